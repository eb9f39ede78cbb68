// The same form POST Cadence makes to Twilio's Messages endpoint, to the same sink.
const auth = "Basic " + Buffer.from(`${process.env.SINK_USER}:${process.env.SINK_PASS}`).toString("base64");
module.exports = async (payload) => {
  const res = await fetch(process.env.SINK_URL, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ To: payload.to, From: payload.from, Body: payload.body }).toString(),
  });
  await res.text();
  if (res.status !== 201) throw new Error(`sink answered ${res.status}`);
};
