// Writes the files made from the budget file's schema (src/core/budget/schema.ts): its JSON Schema
// (schemas/budget.schema.json, contributed to VS Code) and the validator compiled from it
// (src/core/budget/gen/). Run with `npm run gen:budget-schema` after editing the schema.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { budgetSchemaFiles } from './budget-schema-files';

for (const [rel, text] of Object.entries(budgetSchemaFiles())) {
  writeFileSync(join(__dirname, '..', rel), text);
  console.log(`wrote ${rel}`);
}
