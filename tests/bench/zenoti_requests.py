"""Writes a wrk Lua script posting N distinct signed Zenoti Invoice.Closed
deliveries (two items each), split between wrk's threads so none repeats.
Usage: zenoti_requests.py PRACTICE_ID SECRET N > zenoti.lua"""
import hashlib
import hmac
import json
import sys
import time
from datetime import date, timedelta

practice, secret, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
day = (date.today() - timedelta(days=3)).isoformat()
ts = str(int(time.time()) + 30)  # signed for the next few minutes of the run (tolerance 300 s)
print("reqs = {")
for i in range(n):
    body = json.dumps({"id": f"wh-{i}", "event_type": "Invoice.Closed", "event_timestamp": f"{day}T15:00:00Z",
                       "data": {"invoice": {"id": f"inv-{i}", "invoice_date": f"{day}T11:00:00", "is_refund": False,
                                            "guest": {"id": f"g-{i % 16}", "first_name": "Bench",
                                                      "mobile_phone": "+1 555 123 9999"},
                                            "invoice_items": [{"name": "botox", "price": {"final": 300}},
                                                              {"name": "lip_filler", "price": {"final": 650}}]}}},
                      separators=(",", ":"))
    sig = hmac.new(secret.encode(), ts.encode() + b"." + body.encode(), hashlib.sha256).hexdigest()
    print(f"  {{{json.dumps(body)}, \"sha256={sig}\"}},")
print("}")
print(f'''
local threads, counter, id = 0, 0, 0
setup = function(thread) thread:set("id", threads); threads = threads + 1 end
init = function() counter = 0 end
request = function()
  local i = (id or 0) + 1 + counter * 2
  counter = counter + 1
  local r = reqs[((i - 1) % #reqs) + 1]
  return wrk.format("POST", "/v1/webhooks/pms/zenoti", {{["Content-Type"] = "application/json",
    ["X-Cadence-Practice"] = "{practice}", ["X-Cadence-Timestamp"] = "{ts}", ["X-Cadence-Signature"] = r[2]}}, r[1])
end''')
