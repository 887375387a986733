// The README documents every option the card editors offer, and no other.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { GlobalRegistrator } from "@happy-dom/global-registrator";

test("the README's card example names every option of the editor", async () => {
  GlobalRegistrator.register();
  try {
    const { SCHEMA } = await import("../src/editor.js");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const block = readme.match(/```yaml\ntype: custom:price-optimizer-plan-card\n([\s\S]*?)```/);
    assert.ok(block, "the README shows the card's configuration");
    const keys = [...block[1].matchAll(/^(\w+):/gm)].map((match) => match[1]);
    assert.deepEqual(keys, SCHEMA.map((field) => field.name));
  } finally {
    await GlobalRegistrator.unregister();
  }
});

test("the README's household card example names every option of its editor", async () => {
  GlobalRegistrator.register();
  try {
    const { HOUSEHOLD_SCHEMA } = await import("../src/household-editor.js");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const block = readme.match(/```yaml\ntype: custom:price-optimizer-household-card\n([\s\S]*?)```/);
    assert.ok(block, "the README shows the household card's configuration");
    const keys = [...block[1].matchAll(/^(\w+):/gm)].map((match) => match[1]);
    assert.deepEqual(keys, HOUSEHOLD_SCHEMA.map((field) => field.name));
  } finally {
    await GlobalRegistrator.unregister();
  }
});
