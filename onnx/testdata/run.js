// Runs an ONNX model in ONNX Runtime (onnxruntime-node): reads
// {"model": PATH, "feeds": {NAME: {"dims": [...], "data": [...]}}} on
// stdin (null in data for a NaN, which JSON cannot hold), writes
// {NAME: {"dims": [...], "data": [...]}} for every output.
const ort = require("onnxruntime-node");
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", async () => {
  try {
    const req = JSON.parse(input);
    const session = await ort.InferenceSession.create(req.model);
    const feeds = {};
    for (const [name, t] of Object.entries(req.feeds)) {
      feeds[name] = new ort.Tensor("float32", Float32Array.from(t.data, (v) => (v === null ? NaN : v)), t.dims);
    }
    const results = await session.run(feeds);
    const out = {};
    for (const [name, t] of Object.entries(results)) {
      out[name] = { dims: t.dims, data: Array.from(t.data) };
    }
    process.stdout.write(JSON.stringify(out));
  } catch (e) {
    process.stderr.write(String(e.message || e) + "\n");
    process.exit(1);
  }
});
