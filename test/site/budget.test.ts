// The page budget (site/budget.ts): each page's data is the files its FileAttachment calls open,
// relative to the page, a parameterized name counting as its heaviest instance; a file marked as
// fetched on demand is listed, not counted.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { overBudget, pageWeights } from "../../pipelines/site/budget.ts";
import { tmpDir, writeFiles } from "../helpers.ts";

describe("page budget", () => {
  it("sums the data each page opens, and names the pages over the budget with their files", async () => {
    const src = await tmpDir();
    await writeFiles(src, {
      "projects.md": '```js\nconst rows = await FileAttachment("data/projects.json").json();\nconst n = await FileAttachment(\'data/norms.json\').json();\n```\n',
      "institution/[id].md": "```js\nconst docs = await FileAttachment(`../data/feedback/${observable.params.id}.json`).json();\nconst m = await FileAttachment(\"../data/meta.json\").json();\nconst rest = FileAttachment(`../data/feedback-rest/${observable.params.id}.json`); // 按需 on demand\n```\n",
      "about.md": "# no data\n",
      "components/ignored.md": "```js\nFileAttachment(\"../elsewhere/x.json\")\n```\n",
    });
    const weights = { "projects.json": 900 * 1024, "norms.json": 200 * 1024, "meta.json": 10 * 1024, "feedback/A.json": 30 * 1024, "feedback/B.json": 50 * 1024, "feedback-old.json": 5000 * 1024, "feedback-rest/A.json": 3000 * 1024 };
    const pages = await pageWeights(src, weights);
    expect(pages).toEqual([
      { page: "projects", bytes: 1100 * 1024, files: { "projects.json": 900 * 1024, "norms.json": 200 * 1024 }, onDemand: {} },
      { page: path.join("institution", "[id]"), bytes: 60 * 1024, files: { "feedback/B.json": 50 * 1024, "meta.json": 10 * 1024 }, onDemand: { "feedback-rest/A.json": 3000 * 1024 } },
      { page: "about", bytes: 0, files: {}, onDemand: {} },
      { page: path.join("components", "ignored"), bytes: 0, files: {}, onDemand: {} },
    ]);
    expect(overBudget(pages, 1024)).toEqual(["projects: 1,100 kB (projects.json 900 kB, norms.json 200 kB)"]);
    expect(overBudget(pages, 1100)).toEqual([]);
    expect(overBudget(pages, 0)).toEqual([]);
  });
});
