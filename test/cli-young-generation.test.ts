import t from 'tap';
import { keepYoungGenerationSmall } from '../lib/cli/young-generation.js';

t.test('the young-generation tuning leaves a process with its own semi-space flags alone', async (t) => {
  t.equal(keepYoungGenerationSmall(['--max-semi-space-size=4'], ''), false, 'flag on the command line');
  t.equal(keepYoungGenerationSmall(['--semi_space_growth_factor=2'], ''), false, 'underscore spelling');
  t.equal(keepYoungGenerationSmall([], '--max-old-space-size=512 --max-semi-space-size=8'), false, 'flag in NODE_OPTIONS');
  t.equal(keepYoungGenerationSmall(['--enable-source-maps'], '--max-old-space-size=512'), true, 'unrelated flags: tuned');
});
