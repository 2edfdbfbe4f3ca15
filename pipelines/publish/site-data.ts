// Data for the site at the chart's grain, written from the results folder (its warehouse opened
// read-only): each entity's page data from its file in entities/, then the reports. The public
// build never receives a teacher-level row or a group below the policy's minimum; the restricted
// build adds the early-warning list.
import { mkdir, readFile, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { openDb } from "../lib/db.ts";
import type { Policy } from "../lib/policy.ts";
import { reportFacts } from "./report-data.ts";
import { ENTITIES } from "./entities/index.ts";
import { annualReport, feedbackReport, type Doc, type ReportInput } from "../report/content.ts";
import { dictionaryData } from "../models/docs.ts";
import { idSlug } from "../lib/shared/slug.ts";
import { joinDoc, splitDoc } from "../lib/shared/doc-parts.ts";

export interface SiteData {
  files: Record<string, unknown>;
  pageWeights?: Record<string, number>;
}

export async function siteData(resultsDir: string, restricted: boolean): Promise<SiteData> {
  const manifest = JSON.parse(await readFile(path.join(resultsDir, "manifest.json"), "utf8")) as { policy: Policy; finished_at: string; versions: Record<string, string>; files: Record<string, unknown>[]; analysis: unknown };
  const policy = manifest.policy;
  const db = await openDb(path.join(resultsDir, "guopei.duckdb"), { readOnly: true });
  try {
    const files: Record<string, unknown> = {};
    files["meta.json"] = { generated: manifest.finished_at, versions: manifest.versions, policy, restricted, analysis: manifest.analysis, dictionary: dictionaryData(restricted) };
    const forReports: Record<string, Record<string, unknown>[]> = {};
    for (const entity of Object.values(ENTITIES)) Object.assign(files, await entity.site?.({ db, policy, restricted, analysis: manifest.analysis, inputs: manifest.files, forReports }));

    // The annual report of every year and each institution's feedback report, from the public data above.
    const facts = await reportFacts(db, policy);
    files["norms.json"] = facts.norms;
    files["hours.json"] = facts.hours;
    const input: ReportInput = {
      policy,
      generated: manifest.finished_at,
      asOf: (manifest.analysis as { warning?: { as_of?: string } } | undefined)?.warning?.as_of ?? null,
      overview: files["overview.json"] as Record<string, unknown>[],
      institutions: files["institutions.json"] as Record<string, unknown>[],
      projects: forReports.projects ?? [],
      counties: files["counties.json"] as Record<string, unknown>[],
      quality: files["quality.json"] as ReportInput["quality"],
      comments: files["comments.json"] as ReportInput["comments"],
      scrubbed: ((manifest.analysis as { comments_scrubbed?: Record<string, number> } | undefined)?.comments_scrubbed ?? {}),
      warning: (manifest.analysis as { warning?: Record<string, unknown> } | undefined)?.warning ?? null,
      files: (files["data-quality.json"] as { files: Record<string, unknown>[] }).files,
      rejects: Number((await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM rejects`))[0]!.n),
      facts,
    };
    const years = (files["overview.json"] as { year: number }[]).map((o) => o.year);
    // Each report in two parts (doc-parts.ts): the head opens with its page, the rest of the long
    // tables when asked for.
    for (const year of years) {
      const { head, rest } = splitDoc(annualReport(input, year));
      files[`report/${year}.json`] = head;
      files[`report-rest/${year}.json`] = rest;
    }
    // One pair of files per institution, its reports by year (its page reads its own, not every institution's).
    for (const r of input.institutions) {
      const doc = feedbackReport(input, String(r.institution_id), Number(r.year));
      if (!doc) continue;
      const { head, rest } = splitDoc(doc);
      ((files[feedbackFile(String(r.institution_id))] ??= {}) as Record<number, Doc>)[Number(r.year)] = head;
      ((files[feedbackFile(String(r.institution_id), "rest")] ??= {}) as Record<number, Record<string, string[][]>>)[Number(r.year)] = rest;
    }

    return { files };
  } finally {
    db.close();
  }
}

/** The page data files of one institution's feedback reports (by year), named by its slug: the heads, and the rest of their long tables. */
export const feedbackFile = (institutionId: string, part: "head" | "rest" = "head") => `feedback${part === "rest" ? "-rest" : ""}/${idSlug(institutionId)}.json`;

/** A year's whole annual report from the page data. */
export function annualDoc(files: Record<string, unknown>, year: number): Doc | undefined {
  const head = files[`report/${year}.json`] as Doc | undefined;
  return head && joinDoc(head, files[`report-rest/${year}.json`] as Record<string, string[][]>);
}

/** Write the page data; `mtime` (the results' time) is stamped on each file, as Framework publishes it. */
export async function writeSiteData(data: SiteData, dir: string, mtime: Date): Promise<Record<string, number>> {
  await mkdir(dir, { recursive: true });
  const weights: Record<string, number> = {};
  for (const [name, value] of Object.entries(data.files)) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
    await utimes(path.join(dir, name), mtime, mtime);
    weights[name] = Buffer.byteLength(text);
  }
  return weights;
}

