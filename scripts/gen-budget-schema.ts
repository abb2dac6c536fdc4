// Writes schemas/budget.schema.json from src/core/budget/schema.ts (the one source of the budget
// file's JSON Schema): package.json contributes it to VS Code for layerlens.budget.json. Run with
// `npm run gen:budget-schema`; src/core/budget/schema.test.ts fails when the file is out of date.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { budgetSchemaText } from '../src/core/budget/schema';

writeFileSync(join(__dirname, '..', 'schemas', 'budget.schema.json'), budgetSchemaText());
console.log('wrote schemas/budget.schema.json');
