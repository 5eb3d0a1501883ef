// Part plan boundaries (pure, no I/O): sizes around the part size, empty and tiny files, the
// 10000-part limit and the growth beyond it, and the single-PUT decision.
import t, { type Test } from 'tap';
import { DEFAULT_PART_SIZE, MAX_FILE_SIZE, MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE, choosePartSize, fitsSinglePut, planParts } from '../lib/upload/plan.js';

const P = MIN_PART_SIZE;

function checkPlan(t: Test, fileSize: number, partSize: number): void {
  const plan = planParts(fileSize, partSize);
  let position = 0;
  plan.parts.forEach((part, index) => {
    if (part.partNumber !== index + 1 || part.start !== position || part.size !== part.end - part.start) t.fail(`part ${index + 1} is not contiguous`);
    if (index < plan.parts.length - 1 && part.size !== partSize) t.fail(`non-last part ${index + 1} has size ${part.size}`);
    position = part.end;
  });
  t.equal(position, fileSize, `parts cover ${fileSize} bytes exactly`);
  t.ok(plan.parts.length <= MAX_PARTS, 'at most 10000 parts');
  const last = plan.parts[plan.parts.length - 1];
  t.ok(last.size <= partSize && (last.size > 0 || fileSize === 0), 'last part is non-empty unless the file is empty');
}

t.test('sizes around the part size', async (t) => {
  const cases: Array<[number, number]> = [
    [0, 1],
    [1, 1],
    [P - 1, 1],
    [P, 1],
    [P + 1, 2],
    [2 * P - 1, 2],
    [2 * P, 2],
    [2 * P + 1, 3],
    [7 * P, 7],
  ];
  for (const [size, count] of cases) {
    const plan = planParts(size, P);
    t.equal(plan.parts.length, count, `${size} bytes → ${count} parts`);
    checkPlan(t, size, P);
  }
  t.same(planParts(0, P).parts, [{ partNumber: 1, start: 0, end: 0, size: 0 }], 'an empty file is one empty part');
  t.same(planParts(P + 1, P).parts[1], { partNumber: 2, start: P, end: P + 1, size: 1 }, 'a 1-byte last part');
});

t.test('the requested size is kept while the file fits in 10000 parts', async (t) => {
  t.equal(choosePartSize(0), DEFAULT_PART_SIZE);
  t.equal(choosePartSize(1, P), P);
  t.equal(choosePartSize(MAX_PARTS * P, P), P, 'exactly 10000 parts');
  t.equal(planParts(MAX_PARTS * P, P).parts.length, MAX_PARTS);
  t.equal(choosePartSize(MAX_PARTS * DEFAULT_PART_SIZE), DEFAULT_PART_SIZE);
});

t.test('a file that would need 10001 parts gets a larger part size', async (t) => {
  for (const size of [MAX_PARTS * P + 1, MAX_PARTS * P + P - 1, (MAX_PARTS + 1) * P, MAX_PARTS * DEFAULT_PART_SIZE + 1, 123_456_789_012]) {
    const partSize = choosePartSize(size, P);
    t.ok(partSize > P, `${size} bytes: grown to ${partSize}`);
    t.equal(partSize % 4096, 0, 'grown size is page-aligned');
    t.ok(partSize - Math.ceil(size / MAX_PARTS) < 4096, 'grown no more than needed');
    t.ok(Math.ceil(size / partSize) <= MAX_PARTS, 'fits in 10000 parts');
  }
  const size = MAX_PARTS * P + 1;
  const plan = planParts(size, choosePartSize(size, P));
  t.ok(plan.parts.length <= MAX_PARTS);
  checkPlan(t, size, plan.partSize);
});

t.test('the largest possible file uses 5 GiB parts', async (t) => {
  t.equal(choosePartSize(MAX_FILE_SIZE, P), MAX_PART_SIZE);
  t.equal(choosePartSize(MAX_FILE_SIZE - 1), MAX_PART_SIZE);
  t.equal(Math.ceil(MAX_FILE_SIZE / choosePartSize(MAX_FILE_SIZE)), MAX_PARTS);
});

t.test('one PUT for files that fit in one part, unless multipart is forced', async (t) => {
  t.ok(fitsSinglePut(0, P, false));
  t.ok(fitsSinglePut(P, P, false));
  t.notOk(fitsSinglePut(P + 1, P, false));
  t.notOk(fitsSinglePut(0, P, true));
  t.notOk(fitsSinglePut(P, P, true));
});
