// Reads WARC files with warcio.js (Webrecorder), a second reader beside jwarc: prints one JSON
// line per record (type, ids, target URI; for responses the HTTP status and the SHA-1 of the
// payload as recorded). Usage: node read-warcs.cjs WARCIO_FOLDER FILE...
const path = require("node:path");
const fs = require("node:fs");
const crypto = require("node:crypto");
const { WARCParser } = require(path.join(path.resolve(process.argv[2]), "node_modules", "warcio"));

async function main() {
  for (const file of process.argv.slice(3)) {
    const parser = new WARCParser(fs.createReadStream(file));
    for await (const record of parser) {
      const out = {
        file: path.basename(file),
        type: record.warcType,
        id: record.warcHeader("WARC-Record-ID"),
        uri: record.warcTargetURI || null,
        concurrentTo: record.warcHeader("WARC-Concurrent-To") || null,
      };
      if (record.warcType === "response") {
        out.status = record.httpHeaders ? Number(record.httpHeaders.statusCode) : null;
        const payload = await record.readFully(false);
        out.payloadSha1 = crypto.createHash("sha1").update(payload).digest("hex");
      } else {
        await record.readFully(false);
      }
      console.log(JSON.stringify(out));
    }
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
