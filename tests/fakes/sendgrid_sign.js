// Makes a P-256 key pair or signs a SendGrid event webhook payload with Node's crypto
// (independent of Cadence's OpenSSL code).
// keys:  stdout {"public_key": base64 DER SPKI, "private_key": PEM}
// sign:  stdin {"private_key", "timestamp", "body"}; stdout base64 DER ECDSA signature of timestamp + body,
//        first cross-checked with SendGrid's own verifier (@sendgrid/eventwebhook): exit 1 if it disagrees.
const crypto = require("crypto");
const { EventWebhook } = require("@sendgrid/eventwebhook");
if (process.argv[2] === "keys") {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  process.stdout.write(JSON.stringify({
    public_key: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
  }));
} else {
  let input = "";
  process.stdin.on("data", (d) => (input += d));
  process.stdin.on("end", () => {
    const { private_key, timestamp, body } = JSON.parse(input);
    const signature = crypto.sign("sha256", Buffer.from(timestamp + body), private_key).toString("base64");
    const ew = new EventWebhook();
    const spki = crypto.createPublicKey(private_key).export({ type: "spki", format: "der" }).toString("base64");
    if (!ew.verifySignature(ew.convertPublicKeyToECDSA(spki), body, signature, timestamp)) {
      process.stderr.write("@sendgrid/eventwebhook rejects this signature\n");
      process.exit(1);
    }
    process.stdout.write(signature);
  });
}
