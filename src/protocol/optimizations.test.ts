// The editor's optimization list names only rules the core registry has, with options its factories accept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRule, isRegistered } from '../core/passes';
import { OPTIMIZATIONS } from './optimizations';

test('every optimization offered in the editor is a registered rule that builds with its options', () => {
  for (const o of OPTIMIZATIONS) {
    assert.ok(isRegistered(o.ruleId), `${o.ruleId} is not registered`);
    const rule = createRule(o.ruleId, o.options);
    assert.equal(rule.id.split('-')[0], o.family === 'fuse' && o.ruleId.startsWith('cleanup') ? 'cleanup' : o.family, o.ruleId);
  }
  assert.equal(new Set(OPTIMIZATIONS.map((o) => o.ruleId)).size, OPTIMIZATIONS.length);
});
