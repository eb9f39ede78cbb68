// Signs a Twilio webhook with Twilio's own library (independent of Cadence's code).
// stdin: {"token", "url", "params"}; stdout: the X-Twilio-Signature value.
const twilio = require("twilio");
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const { token, url, params } = JSON.parse(input);
  process.stdout.write(twilio.getExpectedTwilioSignature(token, url, params));
});
