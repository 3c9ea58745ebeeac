// Writes the Parquet test fixtures beside this script with two independent writers: DuckDB
// (C++) and arrow-rs (Rust, as parquet-wasm), so the project's own reader is checked against
// files it did not write. Node resolves packages beside the script, so copy it to a scratch folder:
//   cp make-parquet.mjs /tmp/pq && cd /tmp/pq
//   npm install @duckdb/node-api@1.5.6-r.1 parquet-wasm@0.8.0 apache-arrow@21.2.0
//   node make-parquet.mjs /path/to/src/test/resources/datasets
import { DuckDBInstance } from '@duckdb/node-api';
import { Field, Float64, List, Struct, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const here = resolve(process.argv[2] ?? '.');
const out = (name) => join(here, name);
const db = await (await DuckDBInstance.create(':memory:')).connect();

// 1. The Mixture-of-Skills layout, from the JSON Lines fixture: ZSTD, data page v1.
await db.run(`COPY (SELECT * FROM read_json('${out('mos-conversations.jsonl')}'))
  TO '${out('mos-conversations.parquet')}' (FORMAT parquet, COMPRESSION zstd)`);

// 2. messages with every role, data page v2, Snappy, an extra id column.
await db.run(`COPY (SELECT * FROM (VALUES
    (1, [{'role': 'system', 'content': 'Be brief.'}, {'role': 'user', 'content': 'Weather?'},
         {'role': 'assistant', 'content': 'Calling the tool.'}, {'role': 'tool', 'content': 'sunny'},
         {'role': 'assistant', 'content': 'Sunny.'}]),
    (2, [{'role': 'user', 'content': 'Hi'}, {'role': 'assistant', 'content': 'Hello'}]),
    (3, [{'role': 'user', 'content': 'Ünïcödé?'}, {'role': 'assistant', 'content': 'ありがとう'}])
  ) AS t(id, messages) ORDER BY id)
  TO '${out('messages-v2-snappy.parquet')}' (FORMAT parquet, COMPRESSION snappy, PARQUET_VERSION v2)`);

// 3. Alpaca with a null input, repeated values (dictionary pages), GZIP.
await db.run(`COPY (SELECT * FROM (VALUES
    ('Add the numbers.', '2 and 3', '5'), ('Say hi.', NULL, 'Hi!'), ('Say hi.', '', 'Hi!'),
    ('Add the numbers.', '4 and 4', '8')) AS t(instruction, input, output))
  TO '${out('alpaca-gzip.parquet')}' (FORMAT parquet, COMPRESSION gzip)`);

// 4. Plain text, uncompressed.
await db.run(`COPY (SELECT * FROM (VALUES ('Once upon a time.'), ('The end.')) AS t(text))
  TO '${out('text-uncompressed.parquet')}' (FORMAT parquet, COMPRESSION uncompressed)`);

// 5. Faulty records: a null response (row 2) and an empty one (row 3).
await db.run(`COPY (SELECT * FROM (VALUES (1, 'a', 'b'), (2, 'c', NULL), (3, 'e', ''), (4, 'g', 'h'))
    AS t(n, prompt, response) ORDER BY n)
  TO '${out('prompt-response-faults.parquet')}' (FORMAT parquet, COMPRESSION snappy)`);

// 6. No layout skillmix reads: question/answer columns.
await db.run(`COPY (SELECT * FROM (VALUES ('q', 'a')) AS t(question, answer))
  TO '${out('question-answer.parquet')}' (FORMAT parquet)`);

// 7. No rows at all.
await db.run(`COPY (SELECT 'x' AS text WHERE false) TO '${out('empty.parquet')}' (FORMAT parquet)`);

// 8.-9. arrow-rs: messages in row groups of 2 rows, with an extra nested column and a float.
const rows = [];
for (let i = 0; i < 5; i++) {
  rows.push({
    messages: [{ role: 'user', content: `Question ${i}?` }, { role: 'assistant', content: `Answer ${i}.` }],
    meta: { source: 'synthetic', tags: ['a', 'b'] },
    score: i / 4,
  });
}
const text = () => new Utf8();
const listOf = (type) => new List(new Field('item', type, true));
const table = new Table({
  messages: vectorFromArray(rows.map((r) => r.messages),
    listOf(new Struct([new Field('role', text(), true), new Field('content', text(), true)]))),
  meta: vectorFromArray(rows.map((r) => r.meta),
    new Struct([new Field('source', text(), true), new Field('tags', listOf(text()), true)])),
  score: vectorFromArray(rows.map((r) => r.score), new Float64()),
});
const ipc = tableToIPC(table, 'stream');
const write = (name, props) => writeFileSync(out(name), pq.writeParquet(pq.Table.fromIPCStream(ipc), props));
write('messages-arrow-zstd.parquet', new pq.WriterPropertiesBuilder()
  .setCompression(pq.Compression.ZSTD).setMaxRowGroupSize(2).build());
write('messages-arrow-plain-v2.parquet', new pq.WriterPropertiesBuilder()
  .setCompression(pq.Compression.SNAPPY).setDictionaryEnabled(false)
  .setWriterVersion(pq.WriterVersion.V2).build());
console.log('written to', here);
