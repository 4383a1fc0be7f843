// ONNX Runtime (npm onnxruntime-node, CPU) latencies on the models tools/peers/export_onnx.py
// wrote: one JSON object per model on stdout, {model, threads, ort, ort_runs, errors, notes}. Each session
// uses intraOpNumThreads = T, graphOptimizationLevel 'all', sequential execution; its outputs are
// checked against the fixture's before timing. Each timed run is one awaited session.run(): the
// latency a Node caller sees.
//
// Usage: node tools/peers/bench_ort.mjs --threads T [--seconds S] [--min-runs N] DIR [MODEL...]
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';

function parseArgs(argv) {
  const a = { threads: 1, seconds: 1.0, minRuns: 200, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--threads') a.threads = Number(argv[++i]);
    else if (argv[i] === '--seconds') a.seconds = Number(argv[++i]);
    else if (argv[i] === '--min-runs') a.minRuns = Number(argv[++i]);
    else a.rest.push(argv[i]);
  }
  return a;
}

const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array };

function tensor(t) {
  if (t.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(t.data, (v) => BigInt(v)), t.shape);
  if (t.type === 'bool') return new ort.Tensor('bool', Uint8Array.from(t.data, (v) => (v ? 1 : 0)), t.shape);
  return new ort.Tensor(t.type, ARRAYS[t.type].from(t.data), t.shape);
}

function mismatch(outputs, names, expected) {
  if (names.length !== expected.length) return `${names.length} outputs, expected ${expected.length}`;
  for (let i = 0; i < names.length; i++) {
    const got = outputs[names[i]].data, want = expected[i].data;
    if (got.length !== want.length) return `output ${i} has ${got.length} elements, expected ${want.length}`;
    for (let j = 0; j < got.length; j++) {
      const g = Number(got[j]), w = Number(want[j]);
      if (!(Math.abs(g - w) <= 1e-4 + 1e-4 * Math.abs(w))) return `output ${i} differs from the fixture's at ${j}: ${g} vs ${w}`;
    }
  }
  return null;
}

async function bench(meta, dir, a) {
  const result = { model: meta.model, threads: a.threads, ort: null, errors: {}, notes: {} };
  if (meta.notes?.length) result.notes.ort = `opset ${meta.opset}; ${meta.notes.join('; ')}`;
  if (meta.error) {
    result.errors.ort = `export: ${meta.error}`;
    return result;
  }
  try {
    const session = await ort.InferenceSession.create(path.join(dir, meta.onnx), {
      intraOpNumThreads: a.threads, interOpNumThreads: 1, executionMode: 'sequential',
      graphOptimizationLevel: 'all', executionProviders: ['cpu'],
    });
    const feeds = {};
    for (const t of meta.inputs) if (session.inputNames.includes(t.name)) feeds[t.name] = tensor(t);
    const bad = mismatch(await session.run(feeds), session.outputNames, meta.outputs);
    if (bad) throw new Error(bad);
    for (let i = 0; i < 20; i++) await session.run(feeds);
    const times = [];
    const end = process.hrtime.bigint() + BigInt(Math.round(a.seconds * 1e9));
    while (times.length < a.minRuns || process.hrtime.bigint() < end) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    times.sort((x, y) => x - y);
    const n = times.length;
    const median = n % 2 ? times[(n - 1) / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    result.ort = Math.round(median * 100) / 100;
    result.ort_runs = n;
    await session.release();
  } catch (e) {
    result.errors.ort = String(e.message ?? e).split('\n')[0].slice(0, 200);
  }
  return result;
}

const a = parseArgs(process.argv.slice(2));
const [dir, ...models] = a.rest;
const names = models.length ? models
  : fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
for (const name of names) {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  console.log(JSON.stringify(await bench(meta, dir, a)));
}
