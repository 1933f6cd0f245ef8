"""The three scripts of "Copy as code", with ``@@NAME@@`` where ``code_export`` puts the request's values.

They do what the studio does: one submit, never retried (the API charges per submit); polls on the same path
with ``generation_id``, patient with 429, 5xx and network trouble; the end read tolerantly, as
``videostudio.api.generation`` reads it (a video link means done, whatever the status word); the video saved
without the key (video links need none, and may be on another host).
"""

PYTHON = '''# @@TITLE@@ on the AI/ML API, as Video Studio sends it.
# Sends one generation request, polls it until it ends, prints its status and the video's link, and saves
# the video as @@OUTPUT_NAME@@. Each run is a new generation, billed on the AI/ML API.
# Needs Python 3.9+ and requests (pip install requests). Set your key first: export AIMLAPI_API_KEY=...@@NOTE@@

import base64
import os
import sys
import time

import requests

BASE_URL = os.environ.get("AIMLAPI_BASE_URL", @@BASE_URL@@).rstrip("/")
ENDPOINT = @@ENDPOINT@@  # the studio submits and polls on this path
POLL_SECONDS = @@POLL@@
GIVE_UP_AFTER_SECONDS = @@GIVE_UP@@
OUTPUT = @@OUTPUT@@
SUCCESS = @@SUCCESS@@
FAILURE = @@FAILURE@@

API_KEY = os.environ.get("AIMLAPI_API_KEY", "").strip()
if not API_KEY:
    sys.exit("Set the AIMLAPI_API_KEY environment variable to your AI/ML API key first. Nothing was sent.")
HEADERS = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json", "Accept": "application/json"}
@@UPLOADS@@


payload = @@PAYLOAD@@


def video_url(answer):
    """The first video link of an answer: "video" may be an object, a list of objects or a list of links."""
    video = answer.get("video") or answer.get("videos")
    for item in video if isinstance(video, list) else [video]:
        url = item.get("url") if isinstance(item, dict) else item
        if isinstance(url, str) and url:
            return url
    return None


# Sent once, never retried: the API charges per submit.
response = requests.post(BASE_URL + ENDPOINT, json=payload, headers=HEADERS, timeout=(10, 120))
if not response.ok:
    sys.exit(f"The request was refused: HTTP {response.status_code} {response.text[:1000]}")
answer = response.json()
generation_id = str(answer.get("id") or answer.get("generation_id") or "")
if not generation_id:
    sys.exit(f"The API accepted the request but sent no generation id: {answer}")
print(f"Submitted: {generation_id}")

started = time.monotonic()
while True:
    url = video_url(answer)
    status = str(answer.get("status") or "").lower()
    if url or status in SUCCESS:
        break
    if status in FAILURE or answer.get("error"):
        sys.exit(f"The generation failed: {answer.get('error') or status}")
    if time.monotonic() - started > GIVE_UP_AFTER_SECONDS:
        sys.exit(f"Still running; ask again later: GET {BASE_URL}{ENDPOINT}?generation_id={generation_id}")
    time.sleep(POLL_SECONDS)
    try:
        polled = requests.get(
            BASE_URL + ENDPOINT, params={"generation_id": generation_id}, headers=HEADERS, timeout=(10, 30)
        )
    except requests.RequestException as exc:
        print(f"Could not reach the API ({exc}); trying again.")
        continue
    if polled.status_code == 429 or polled.status_code >= 500:
        print(f"The API is busy (HTTP {polled.status_code}); trying again.")
        continue
    if not polled.ok:
        sys.exit(f"Polling failed: HTTP {polled.status_code} {polled.text[:1000]}")
    answer = polled.json()
    print(f"Status: {answer.get('status')}")

if not url:
    sys.exit(f"The generation finished without a video link: {answer}")
print(f"Video: {url}")
with requests.get(url, stream=True, timeout=(10, 300)) as video:  # no key: video links need none
    video.raise_for_status()
    with open(OUTPUT, "wb") as file:
        for chunk in video.iter_content(1 << 20):
            file.write(chunk)
print(f"Saved {OUTPUT}")
'''

JAVASCRIPT = """// @@TITLE@@ on the AI/ML API, as Video Studio sends it.
// Sends one generation request, polls it until it ends, prints its status and the video's link, and saves
// the video as @@OUTPUT_NAME@@. Each run is a new generation, billed on the AI/ML API.
// Node 18+: save as generate.mjs, set your key (export AIMLAPI_API_KEY=...) and run: node generate.mjs@@NOTE@@

import { existsSync, readFileSync, writeFileSync } from "node:fs";

const BASE_URL = (process.env.AIMLAPI_BASE_URL || @@BASE_URL@@).replace(/\\/+$/, "");
const ENDPOINT = @@ENDPOINT@@; // the studio submits and polls on this path
const POLL_SECONDS = @@POLL@@;
const GIVE_UP_AFTER_SECONDS = @@GIVE_UP@@;
const OUTPUT = @@OUTPUT@@;
const SUCCESS = new Set(@@SUCCESS@@);
const FAILURE = new Set(@@FAILURE@@);

function fail(message) {
  console.error(message);
  process.exit(1);
}

const API_KEY = (process.env.AIMLAPI_API_KEY || "").trim();
if (!API_KEY) fail("Set the AIMLAPI_API_KEY environment variable to your AI/ML API key first. Nothing was sent.");
const HEADERS = { Authorization: `Bearer ${API_KEY}`, "Content-Type": "application/json", Accept: "application/json" };
@@UPLOADS@@

const payload = @@PAYLOAD@@;

// The first video link of an answer: "video" may be an object, a list of objects or a list of links.
function videoUrl(answer) {
  const video = answer.video || answer.videos;
  for (const item of Array.isArray(video) ? video : [video]) {
    const url = item && typeof item === "object" ? item.url : item;
    if (typeof url === "string" && url) return url;
  }
  return null;
}

function hasError(error) {
  return Boolean(error) && !["{}", "[]"].includes(JSON.stringify(error));
}

const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

// Sent once, never retried: the API charges per submit.
const submitted = await fetch(BASE_URL + ENDPOINT, { method: "POST", headers: HEADERS, body: JSON.stringify(payload) });
if (!submitted.ok) fail(`The request was refused: HTTP ${submitted.status} ${(await submitted.text()).slice(0, 1000)}`);
let answer = await submitted.json();
const generationId = String(answer.id ?? answer.generation_id ?? "");
if (!generationId) fail(`The API accepted the request but sent no generation id: ${JSON.stringify(answer)}`);
console.log(`Submitted: ${generationId}`);

const pollUrl = `${BASE_URL}${ENDPOINT}?generation_id=${encodeURIComponent(generationId)}`;
const started = Date.now();
let url;
while (true) {
  url = videoUrl(answer);
  const status = String(answer.status ?? "").toLowerCase();
  if (url || SUCCESS.has(status)) break;
  if (FAILURE.has(status) || hasError(answer.error)) {
    fail(`The generation failed: ${JSON.stringify(answer.error ?? status)}`);
  }
  if (Date.now() - started > GIVE_UP_AFTER_SECONDS * 1000) fail(`Still running; ask again later: GET ${pollUrl}`);
  await sleep(POLL_SECONDS);
  let polled;
  try {
    polled = await fetch(pollUrl, { headers: HEADERS });
  } catch (error) {
    console.log(`Could not reach the API (${error.message}); trying again.`);
    continue;
  }
  if (polled.status === 429 || polled.status >= 500) {
    console.log(`The API is busy (HTTP ${polled.status}); trying again.`);
    continue;
  }
  if (!polled.ok) fail(`Polling failed: HTTP ${polled.status} ${(await polled.text()).slice(0, 1000)}`);
  answer = await polled.json();
  console.log(`Status: ${answer.status}`);
}

if (!url) fail(`The generation finished without a video link: ${JSON.stringify(answer)}`);
console.log(`Video: ${url}`);
const video = await fetch(url); // no key: video links need none
if (!video.ok) fail(`Could not download the video: HTTP ${video.status}`);
writeFileSync(OUTPUT, Buffer.from(await video.arrayBuffer()));
console.log(`Saved ${OUTPUT}`);
"""

BASH = """#!/usr/bin/env bash
# @@TITLE@@ on the AI/ML API, as Video Studio sends it.
# Sends one generation request, polls it until it ends, prints its status and the video's link, and saves
# the video as @@OUTPUT_NAME@@. Each run is a new generation, billed on the AI/ML API.
# Needs bash, curl and jq. Set your key first: export AIMLAPI_API_KEY=...@@NOTE@@

set -euo pipefail

DEFAULT_BASE_URL=@@BASE_URL@@
BASE_URL="${AIMLAPI_BASE_URL:-$DEFAULT_BASE_URL}"
BASE_URL="${BASE_URL%/}"
ENDPOINT=@@ENDPOINT@@  # the studio submits and polls on this path
POLL_SECONDS=@@POLL@@
GIVE_UP_AFTER_SECONDS=@@GIVE_UP@@
OUTPUT=@@OUTPUT@@

fail() { echo "$*" >&2; exit 1; }

[ -n "${AIMLAPI_API_KEY:-}" ] || fail "Set AIMLAPI_API_KEY to your AI/ML API key first. Nothing was sent."
command -v jq >/dev/null || fail "This script needs jq (https://jqlang.org/download/). Nothing was sent."
# The key reaches curl through a pipe, never on its command line, where other users of the machine could see it.
auth_header() { printf 'Authorization: Bearer %s\\n' "$AIMLAPI_API_KEY"; }
@@CHECK_FILES@@

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The request body, written to a file: a big upload never becomes one huge command-line argument.
@@BODY@@

# Sent once, never retried: the API charges per submit.
code=$(curl -sS -X POST "$BASE_URL$ENDPOINT" -H @<(auth_header) -H 'Content-Type: application/json' \\
  -H 'Accept: application/json' --data-binary @"$WORK/request.json" -o "$WORK/answer.json" \\
  -w '%{http_code}') || code=000
if [ "$code" -lt 200 ] || [ "$code" -ge 300 ]; then
  fail "The request was refused: HTTP $code $(head -c 1000 "$WORK/answer.json" 2>/dev/null || true)"
fi
ID=$(jq -r '(.id // .generation_id // "") | tostring' "$WORK/answer.json")
[ -n "$ID" ] || fail "The API accepted the request but sent no generation id: $(cat "$WORK/answer.json")"
echo "Submitted: $ID"

started=$SECONDS
while true; do
  # "video" may be an object, a list of objects or a list of links.
  URL=$(jq -r '(.video // .videos) | (if type == "array" then .[0] else . end)
    | (if type == "object" then .url else . end) | if type == "string" then . else "" end' "$WORK/answer.json")
  STATUS=$(jq -r '(.status // "") | tostring | ascii_downcase' "$WORK/answer.json")
  ERROR=$(jq -r '.error as $e | if $e == null or $e == false or $e == {} or $e == [] or $e == ""
    then "" else ($e | tostring) end' "$WORK/answer.json")
  [ -n "$URL" ] && break
  case "$STATUS" in
    @@SUCCESS@@) break ;;
    @@FAILURE@@) fail "The generation failed: ${ERROR:-$STATUS}" ;;
  esac
  [ -z "$ERROR" ] || fail "The generation failed: $ERROR"
  if [ $((SECONDS - started)) -gt "$GIVE_UP_AFTER_SECONDS" ]; then
    fail "Still running; ask again later: GET $BASE_URL$ENDPOINT?generation_id=$ID"
  fi
  sleep "$POLL_SECONDS"
  code=$(curl -sS -G "$BASE_URL$ENDPOINT" --data-urlencode "generation_id=$ID" -H @<(auth_header) \\
    -H 'Accept: application/json' -o "$WORK/polled.json" -w '%{http_code}') || code=000
  if [ "$code" = 000 ] || [ "$code" = 429 ] || [ "$code" -ge 500 ]; then
    echo "The API is busy or out of reach (HTTP $code); trying again."
    continue
  fi
  if [ "$code" -lt 200 ] || [ "$code" -ge 300 ]; then
    fail "Polling failed: HTTP $code $(head -c 1000 "$WORK/polled.json")"
  fi
  mv "$WORK/polled.json" "$WORK/answer.json"
  echo "Status: $(jq -r '.status // ""' "$WORK/answer.json")"
done

[ -n "$URL" ] || fail "The generation finished without a video link: $(cat "$WORK/answer.json")"
echo "Video: $URL"
curl -sS -L --fail -o "$OUTPUT" "$URL"  # no key: video links need none
echo "Saved $OUTPUT"
"""
