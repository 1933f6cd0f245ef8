"""Copy as code: the studio's exact request as a cURL script, a Python (requests) script and a JavaScript (fetch) one.

Each sends ``ApiRequest``'s body once to its path (a submit is never retried: the API charges per submit),
polls ``GET <path>?generation_id=<id>`` as the studio does, prints each status and the video's URL, and saves
the video. The key comes from ``AIMLAPI_API_KEY`` at run time: it is never an argument here, so no snippet can
hold it. Uploads are read from files next to the script and turned into data URIs there. The scripts
themselves are templates in ``code_templates.py``; this module fills them with values quoted for each language.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from videostudio.api.contract import DEFAULT_BASE_URL
from videostudio.api.generation import _FAILURE_WORDS, _SUCCESS_WORDS
from videostudio.form.payload import map_leaves
from videostudio.workflows.code.request import ApiRequest, Upload
from videostudio.workflows.code.templates import BASH, JAVASCRIPT, PYTHON

__all__ = ["LANGUAGES", "OUTPUT_FILE", "Language", "Snippet", "snippets"]

OUTPUT_FILE = "video.mp4"
# The status words the studio itself reads as an end; any other word means "still running".
SUCCESS_WORDS = tuple(sorted(_SUCCESS_WORDS))
FAILURE_WORDS = tuple(sorted(_FAILURE_WORDS))

Snippet = tuple[str, str, str]  # (tab label, st.code language, code)


@dataclass(frozen=True)
class Language:
    """One language the request is written in: a tab under Copy as code."""

    label: str
    """The tab's label."""
    highlight: str
    """The language name ``st.code`` highlights it as."""
    script: Callable[[ApiRequest], str]
    """The whole runnable script for a request."""


def snippets(request: ApiRequest) -> list[Snippet]:
    """The request as code, one snippet per language of ``LANGUAGES``."""
    return [(language.label, language.highlight, language.script(request)) for language in LANGUAGES]


# --- Python and JavaScript: the body as a literal ---------------------------------------------------------------------


@dataclass(frozen=True)
class LiteralScript:
    """A script that holds the body as a literal of its language, each upload a call that reads the file."""

    template: str
    """The script, with @@NAME@@ places (code_templates.py)."""
    quote: Callable[[str], str]
    """A string literal of the language."""
    words: tuple[str, str, str]
    """How the language spells true, false and null."""
    comment: str
    """What starts a line comment."""
    step: str
    """One level of indentation."""
    read_upload: str
    """The name of the script's function that turns a file into a data URI."""
    upload_helper: str
    """That function's code, put in only when the body has an upload."""
    word_list: Callable[[tuple[str, ...]], str]
    """A collection of status words, as the template compares a status against it."""

    def __call__(self, request: ApiRequest) -> str:
        def upload(item: Upload) -> str:
            return f"{self.read_upload}({self.quote(item.file_name)}, {self.quote(item.mime)})"

        payload = _literal(request, self.quote, self.words, upload, comment=self.comment, step=self.step)
        return _fill(
            self.template,
            request,
            quote=self.quote,
            PAYLOAD=payload,
            UPLOADS=self.upload_helper.rstrip("\n") if request.uploads else "",
            SUCCESS=self.word_list(SUCCESS_WORDS),
            FAILURE=self.word_list(FAILURE_WORDS),
            COMMENT=self.comment,
        )


PYTHON_UPLOADS = '''

def data_uri(file_name: str, mime: str) -> str:
    """The file as the data URI the API takes: data:<mime>;base64,<its bytes>."""
    if not os.path.isfile(file_name):
        sys.exit(f"{file_name} is missing: put it next to this script and run it from there. Nothing was sent.")
    with open(file_name, "rb") as file:
        return f"data:{mime};base64," + base64.b64encode(file.read()).decode("ascii")
'''


def _py_str(text: str) -> str:
    # A JSON string is a Python string too (its escapes mean the same in both); unprintables are escaped as well.
    return _escape_unprintable(json.dumps(text, ensure_ascii=False), python=True)


JS_UPLOADS = """
// The file as the data URI the API takes: data:<mime>;base64,<its bytes>.
function dataUri(fileName, mime) {
  if (!existsSync(fileName)) {
    fail(`${fileName} is missing: put it next to this script and run it from there. Nothing was sent.`);
  }
  return `data:${mime};base64,${readFileSync(fileName).toString("base64")}`;
}
"""


def _js_str(text: str) -> str:
    # A JSON string is a JavaScript string; unprintable characters (U+2028 among them) are escaped as well.
    return _escape_unprintable(json.dumps(text, ensure_ascii=False))


python_script = LiteralScript(
    template=PYTHON,
    quote=_py_str,
    words=("True", "False", "None"),
    comment="#",
    step="    ",
    read_upload="data_uri",
    upload_helper=PYTHON_UPLOADS,
    word_list=lambda words: "{" + ", ".join(_py_str(w) for w in words) + "}",
)
javascript_script = LiteralScript(
    template=JAVASCRIPT,
    quote=_js_str,
    words=("true", "false", "null"),
    comment="//",
    step="  ",
    read_upload="dataUri",
    upload_helper=JS_UPLOADS,
    word_list=lambda words: "[" + ", ".join(_js_str(w) for w in words) + "]",
)


# --- cURL (bash) ------------------------------------------------------------------------------------------------------


def bash_script(request: ApiRequest) -> str:
    return _fill(
        BASH,
        request,
        quote=_sh_str,
        BODY=_bash_body(request),
        CHECK_FILES=_bash_file_check(request) if request.uploads else "",
        SUCCESS="|".join(SUCCESS_WORDS),
        FAILURE="|".join(FAILURE_WORDS),
        COMMENT="#",
    )


def _bash_body(request: ApiRequest) -> str:
    """Commands writing the JSON body to "$WORK/request.json", each upload streamed in as base64.

    A big data URI never becomes a command-line argument (the kernel caps those): base64 reads the file and
    writes straight into the body. ``tr -d '\\n'`` drops the line breaks GNU base64 adds; macOS's adds none.
    """
    while True:  # markers the body's own text never contains, so splitting at them splits only there
        token = secrets.token_hex(8)
        markers = {f"@upload-{token}-{i}": upload for i, upload in enumerate(request.uploads)}
        by_path = {upload.path: marker for marker, upload in markers.items()}
        body = map_leaves(request.body, lambda path, value, by_path=by_path: by_path.get(path, value))
        text = _escape_unprintable(json.dumps(body, indent=2, ensure_ascii=False))
        if all(text.count(json.dumps(marker)) == 1 for marker in markers):
            break
    lines = ["{"]
    pattern = "|".join(re.escape(json.dumps(marker)) for marker in markers) or "(?!)"
    for index, part in enumerate(re.split(f"({pattern})", text)):
        if index % 2 == 0:
            if part:
                lines.append(f"  printf '%s' {_sh_str(part)}")
            continue
        upload = markers[json.loads(part)]
        prefix = _sh_str(f'"data:{upload.mime};base64,')
        lines.append(f"  printf '%s' {prefix}")
        lines.append(f"  base64 < {_sh_str(upload.file_name)} | tr -d '\\n'")
        lines.append("  printf '\"'")
    lines.append('} > "$WORK/request.json"')
    return "\n".join(lines)


def _bash_file_check(request: ApiRequest) -> str:
    names = " ".join(_sh_str(name) for name in request.file_names)
    return (
        "\n\n# The uploads: put these files next to this script and run it from there.\n"
        f"for file in {names}; do\n"
        '  [ -f "$file" ] || fail "$file is missing: put it next to this script and run it from there.'
        ' Nothing was sent."\n'
        "done"
    )


def _sh_str(text: str) -> str:
    """``text`` in single quotes: the shell takes everything inside literally ($, `, \\, " and newlines too)."""
    return "'" + text.replace("'", "'\\''") + "'"


# The tabs, in order. Each language is one entry: a new one is a row here, and nothing else changes.
LANGUAGES: tuple[Language, ...] = (
    Language("cURL", "bash", bash_script),
    Language("Python", "python", python_script),
    Language("JavaScript", "javascript", javascript_script),
)


# --- shared -----------------------------------------------------------------------------------------------------------


def _fill(template: str, request: ApiRequest, *, quote: Callable[[str], str], **parts: str) -> str:
    """``template`` with each ``@@NAME@@`` replaced once (what is put in is never scanned again)."""
    comment = parts["COMMENT"]
    values = {
        "TITLE": _one_line(f"{request.title} ({request.model_id})" if request.title else request.model_id),
        "NOTE": _note(request, comment),
        "BASE_URL": quote(request.base_url),
        "ENDPOINT": quote(request.endpoint),
        "POLL": _number(request.poll_seconds),
        "GIVE_UP": _number(request.give_up_seconds),
        "OUTPUT": quote(OUTPUT_FILE),
        "OUTPUT_NAME": OUTPUT_FILE,
        **parts,
    }
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m[1]], template)


def _note(request: ApiRequest, comment: str) -> str:
    lines = []
    if request.note:
        lines.append(_one_line(request.note))
    if request.base_url != DEFAULT_BASE_URL:
        lines.append(
            f"It is sent to {_one_line(request.base_url)}, as in the studio. "
            f"For the AI/ML API itself, set AIMLAPI_BASE_URL={DEFAULT_BASE_URL}"
        )
    return "".join(f"\n{comment} {line}" for line in lines)


def _one_line(text: str) -> str:
    # Comments are one line each: a newline in a name or note would end the comment and start code.
    return re.sub(r"\s+", " ", _escape_unprintable(text)).strip()


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _escape_unprintable(text: str, *, python: bool = False) -> str:
    """Unprintable characters as escapes, the same inside JSON, JavaScript and Python strings.

    Line breaks stay: between a JSON text's lines they are layout, and inside its strings json.dumps has
    escaped them already. A character beyond U+FFFF is a surrogate pair in JSON and JavaScript, ``\\U`` in Python.
    """

    def escape(match: re.Match[str]) -> str:
        char = match[0]
        if char.isprintable():
            return char
        code = ord(char)
        if code <= 0xFFFF:
            return f"\\u{code:04x}"
        if python:
            return f"\\U{code:08x}"
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

    return re.sub(r"[^\x20-\x7e\n]", escape, text)


def _literal(
    request: ApiRequest,
    quote: Callable[[str], str],
    words: tuple[str, str, str],
    upload: Callable[[Upload], str],
    *,
    comment: str,
    step: str,
) -> str:
    """The body as a Python or JavaScript literal, indented by ``step``; each upload is a call reading its file."""
    true, false, null = words
    told: set[str] = set()  # files whose line already says where they come from

    def row(indent: str, head: str, value: Any, path: str) -> str:
        text = f"{indent}{head}{render(value, path, indent)},"
        item = request.upload_at(path)
        if item is not None and item.file_name not in told:
            told.add(item.file_name)
            text += f"  {comment} {_file_comment(item.file_name)}"
        return text

    def render(value: Any, path: str, indent: str) -> str:
        item = request.upload_at(path)
        if item is not None:
            return upload(item)
        inner = indent + step
        if isinstance(value, dict):
            rows = [row(inner, f"{quote(str(k))}: ", v, f"{path}.{k}" if path else str(k)) for k, v in value.items()]
            return "{\n" + "\n".join(rows) + f"\n{indent}}}" if rows else "{}"
        if isinstance(value, list | tuple):
            rows = [row(inner, "", v, f"{path}.{i}") for i, v in enumerate(value)]
            return "[\n" + "\n".join(rows) + f"\n{indent}]" if rows else "[]"
        if value is True:
            return true
        if value is False:
            return false
        if value is None:
            return null
        if isinstance(value, int | float):
            return repr(value)
        return quote(str(value))

    return render(request.body, "", "")


def _file_comment(name: str) -> str:
    return f"put {_one_line(name)} next to this script"
