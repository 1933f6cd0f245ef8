"""The offline backend's renderer: real MP4s from images, footage, text and sound."""
