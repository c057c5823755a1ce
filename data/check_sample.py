#!/usr/bin/env python3
"""Checks the sample archive: company.jsonl is valid Lore JSON Lines, and the
Slack, GitHub and P2 exports hold exactly the items company.jsonl lists for
those sources (same ids). Standard library only.
Run: python3 data/check_sample.py   (exit code 0 when everything holds)"""

import io
import json
import os
import re
import sys
import tarfile
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime

SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample")
KINDS = {"message", "reply", "post", "comment", "issue", "pull_request", "issue_comment", "review", "review_comment",
         "commit_comment", "discussion", "discussion_comment", "release", "page"}
HAS = {"link", "file", "image", "code", "reaction"}
STATES = {"open", "closed", "merged", "resolved", "unresolved"}
problems = []


def problem(msg):
    problems.append(msg)


def check_jsonl():
    records, ids = [], set()
    with open(os.path.join(SAMPLE, "company.jsonl"), encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            try:
                r = json.loads(line)
            except ValueError as e:
                problem("company.jsonl:%d: not JSON: %s" % (n, e))
                continue
            for key in ("id", "source", "kind", "date", "text"):
                if not isinstance(r.get(key), str):
                    problem("company.jsonl:%d: missing %s" % (n, key))
            if r.get("id") in ids:
                problem("company.jsonl:%d: duplicate id %s" % (n, r.get("id")))
            ids.add(r.get("id"))
            if r.get("kind") not in KINDS:
                problem("company.jsonl:%d: unknown kind %s" % (n, r.get("kind")))
            for key in ("date", "updated"):
                if key in r:
                    try:
                        datetime.strptime(r[key], "%Y-%m-%dT%H:%M:%SZ")
                    except ValueError:
                        problem("company.jsonl:%d: bad %s %r" % (n, key, r[key]))
            if "updated" in r and r["updated"] < r["date"]:
                problem("company.jsonl:%d: updated before date" % n)
            if set(r.get("has", [])) - HAS:
                problem("company.jsonl:%d: bad has %r" % (n, r["has"]))
            if r.get("state") is not None and r["state"] not in STATES:
                problem("company.jsonl:%d: bad state %r" % (n, r["state"]))
            for key in ("tags", "principals", "has", "mentions"):
                if key in r and not (isinstance(r[key], list) and all(isinstance(x, str) for x in r[key])):
                    problem("company.jsonl:%d: %s is not a list of strings" % (n, key))
            records.append(r)
    by_id = {r["id"]: r for r in records}
    for r in records:
        for key in ("thread", "parent"):
            if key in r and r[key] not in by_id:
                problem("%s: %s %s is not in the file" % (r["id"], key, r[key]))
        if r["kind"] in ("reply", "comment", "issue_comment", "review", "review_comment") and "parent" not in r:
            problem("%s: a %s without parent" % (r["id"], r["kind"]))
        if "parent" in r and by_id.get(r["parent"], {}).get("date", "") > r["date"]:
            problem("%s: older than its parent" % r["id"])
        if "parent" in r and by_id.get(r["parent"], {}).get("principals") != r.get("principals"):
            problem("%s: principals differ from its parent's" % r["id"])
    return records


def slack_ids():
    ids = set()
    with zipfile.ZipFile(os.path.join(SAMPLE, "slack-export.zip")) as z:
        folder_ids = {}
        for meta in ("channels.json", "groups.json", "mpims.json"):
            for c in json.loads(z.read(meta)):
                folder_ids[c["name"]] = c["id"]
        for c in json.loads(z.read("dms.json")):
            folder_ids[c["id"]] = c["id"]
        for name in z.namelist():
            m = re.fullmatch(r"([^/]+)/(\d{4}-\d\d-\d\d)\.json", name)
            if not m:
                continue
            for msg in json.loads(z.read(name)):
                if msg.get("subtype") in ("channel_join", "channel_leave"):
                    continue
                ids.add("slack:%s/%s" % (folder_ids[m.group(1)], msg["ts"]))
    return ids


def github_ids():
    ids = set()
    with tarfile.open(os.path.join(SAMPLE, "github-migration.tar.gz")) as tar:
        def load(name):
            return json.load(tar.extractfile(name))

        def number(url):
            m = re.fullmatch(r"https://github\.com/([^/]+/[^/]+)/(?:issues|pull)/(\d+)(?:/files)?(?:#(\w+?)-?(\d+))?", url)
            return m
        for name in ("issues_000001.json", "pull_requests_000001.json"):
            for it in load(name):
                m = number(it["url"])
                ids.add("github:%s#%s" % (m.group(1), m.group(2)))
        for name, kind in (("issue_comments_000001.json", "comment"), ("pull_request_reviews_000001.json", "review"),
                           ("pull_request_review_comments_000001.json", "review-comment")):
            for c in load(name):
                m = re.fullmatch(r"https://github\.com/([^/]+/[^/]+)/(?:issues|pull)/(\d+)(?:/files)?"
                                 r"#(?:issuecomment-|pullrequestreview-|r)(\d+)", c["url"])
                ids.add("github:%s#%s/%s/%s" % (m.group(1), m.group(2), kind, m.group(3)))
        for r in load("releases_000001.json"):
            m = re.fullmatch(r"https://github\.com/([^/]+/[^/]+)/releases/tag/(.+)", r["url"])
            ids.add("github:%s/release/%s" % (m.group(1), m.group(2)))
    return ids


def p2_ids():
    ns = {"wp": "http://wordpress.org/export/1.2/"}
    root = ET.parse(os.path.join(SAMPLE, "p2.wordpress.xml")).getroot()
    host = root.find("channel/link").text.split("//", 1)[1]
    ids = set()
    for item in root.iter("item"):
        if item.find("wp:post_type", ns).text != "post":
            continue
        if item.find("wp:status", ns).text not in ("publish", "private"):
            continue
        pid = "p2:%s/%s" % (host, item.find("wp:post_id", ns).text)
        ids.add(pid)
        for c in item.findall("wp:comment", ns):
            if c.find("wp:comment_approved", ns).text == "1":
                ids.add("%s/comment/%s" % (pid, c.find("wp:comment_id", ns).text))
    return ids


def main():
    records = check_jsonl()
    for source, found in (("slack", slack_ids()), ("github", github_ids()), ("p2", p2_ids())):
        want = {r["id"] for r in records if r["source"] == source}
        for i in sorted(want - found):
            problem("%s: in company.jsonl but not in the export" % i)
        for i in sorted(found - want):
            problem("%s: in the export but not in company.jsonl" % i)
        print("%-6s %d ids, export and company.jsonl agree: %s" % (source, len(found), want == found))
    for p in problems:
        print("problem:", p)
    print("%d records, %d problems" % (len(records), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
