// Times training epochs of the lecture's ae1 or ae3 in TensorFlow.js with its
// wasm backend, on the same MNIST files latent reads, for the README's speed
// table. Usage: node bench.js ae1|ae3 EPOCHS MNIST_DIR
const fs = require('fs');
const zlib = require('zlib');
const path = require('path');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');

function images(file) {
  let b = fs.readFileSync(file);
  if (b[0] === 0x1f && b[1] === 0x8b) b = zlib.gunzipSync(b);
  const n = b.readUInt32BE(4), rows = b.readUInt32BE(8), cols = b.readUInt32BE(12);
  const x = new Float32Array(n * rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = b[16 + i] / 255;
  return tf.tensor2d(x, [n, rows * cols]);
}

async function main() {
  const [name, epochsArg, dir] = process.argv.slice(2);
  const epochs = parseInt(epochsArg || '3', 10);
  await tf.setBackend('wasm');
  await tf.ready();
  const xTrain = images(path.join(dir, 'train-images-idx3-ubyte.gz'));
  const xTest = images(path.join(dir, 't10k-images-idx3-ubyte.gz'));
  const units = name === 'ae3' ? [128, 64, 32, 64, 128] : [32];
  const input = tf.input({shape: [784]});
  let h = input;
  for (const u of units) h = tf.layers.dense({units: u, activation: 'relu'}).apply(h);
  const out = tf.layers.dense({units: 784, activation: 'sigmoid'}).apply(h);
  const model = tf.model({inputs: input, outputs: out});
  model.compile({optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy'});
  const seconds = [];
  for (let e = 0; e < epochs; e++) {
    const t0 = process.hrtime.bigint();
    const hist = await model.fit(xTrain, xTrain, {epochs: 1, batchSize: 256, shuffle: true, validationData: [xTest, xTest], verbose: 0});
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    seconds.push(s);
    console.log(`epoch ${e + 1}: ${s.toFixed(3)} s, loss ${hist.history.loss[0].toFixed(4)}, val_loss ${hist.history.val_loss[0].toFixed(4)}`);
  }
  seconds.sort((a, b) => a - b);
  console.log(JSON.stringify({peer: 'tfjs-wasm ' + tf.version.tfjs, recipe: name, threads: tf.wasm ? 'default' : '', median_seconds: seconds[Math.floor(seconds.length / 2)]}));
}

main().catch((e) => { console.error(e); process.exit(1); });
