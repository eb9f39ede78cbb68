"""Vendor payloads from tests/api/vendor_payloads: load(name, **changes) returns a fresh copy with
the dotted paths changed ("data.invoice.invoice_date" -> data["invoice"]["invoice_date"]; a number
indexes a list: "data.appointments.0.id"). Keyword names use "__" for "." (Python names cannot hold
a dot): load("zenoti/invoice_closed", data__invoice__id="inv-9")."""
import copy
import json
import os

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor_payloads")
_CACHE = {}


def load(name, **changes):
    if name not in _CACHE:
        with open(os.path.join(FOLDER, name + ".json"), encoding="utf-8") as f:
            _CACHE[name] = json.load(f)
    doc = copy.deepcopy(_CACHE[name])
    for path, value in changes.items():
        put(doc, path.replace("__", "."), value)
    return doc


def put(doc, path, value):
    """Sets doc at the dotted path (the last key is created if missing)."""
    keys = path.split(".")
    node = doc
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node[k]
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return doc


def get(doc, path):
    node = doc
    for k in path.split("."):
        node = node[int(k)] if isinstance(node, list) else node[k]
    return node
