// How the module defines the cards on Home Assistant's page, whose registry may come late.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { GlobalRegistrator } from "@happy-dom/global-registrator";

const CARDS = ["price-optimizer-plan-card", "price-optimizer-household-card"];

before(() => {
  GlobalRegistrator.register({ url: "http://localhost/", width: 800, height: 600 });
  // The frontend's page: its root element is there before any script runs, undefined at first.
  document.body.append(document.createElement("home-assistant"));
});

after(async () => {
  document.body.innerHTML = "";
  await GlobalRegistrator.unregister();
});

test("on the frontend's page the cards wait for its root element, then are defined", async () => {
  await import("../src/index.js");
  assert.ok(window.customCards.some((card) => card.type === CARDS[0]), "listed for the picker at once");
  for (const tag of CARDS) assert.equal(customElements.get(tag), undefined, tag);

  customElements.define("home-assistant", class extends HTMLElement {});
  await Promise.all(CARDS.map((tag) => customElements.whenDefined(tag)));
  for (const tag of CARDS) {
    assert.ok(customElements.get(tag), tag);
    assert.ok(customElements.get(`${tag}-editor`), `${tag}-editor`);
  }
});
