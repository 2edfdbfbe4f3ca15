// Observable Framework configuration of the guopei site. `guopei site` builds with it and
// `guopei preview` (npm run preview) serves with it, both on a staged source folder
// (pipelines/site/stage.ts: the pages, the notebooks and the shared modules, with the data of a
// results folder), since Framework serves nothing from outside its root.
import { idSlug } from "./pipelines/lib/shared/slug.ts";

export interface SiteConfigOptions {
  root?: string;
  restricted?: boolean;
  institutions?: string[];
  /** Institution and year of each page of projects (/institution-projects/<slug>/<year>). */
  projectPages?: { institution_id: string | null; year: number }[];
  /** The years with an annual report (/reports/<year>). */
  reportYears?: number[];
}

export function siteConfig({ root = "dashboards", restricted = false, institutions = [], projectPages = [], reportYears = [] }: SiteConfigOptions = {}) {
  return {
    root,
    title: "国培计划培训质量 Guopei training quality",
    // No web fonts or other stylesheets from outside: the site must work offline.
    globalStylesheets: [] as string[],
    search: false,
    // No favicon request, and nothing else, leaves the machine.
    head: '<link rel="icon" href="data:,">',
    footer: `guopei · ${restricted ? "内部版 restricted build: contains teacher-level warnings, do not publish" : "公开版 public build"}`,
    pages: [
      { name: "年度概览 Overview", path: "/" },
      { name: "承训机构 Institutions", path: "/institutions" },
      { name: "培训项目 Projects", path: "/projects" },
      { name: "项目区县 Counties", path: "/counties" },
      { name: "评估质量 Evaluation quality", path: "/quality" },
      { name: "学员意见 Comments", path: "/comments" },
      { name: "数据质量 Data quality", path: "/data-quality" },
      { name: "方法说明 Methods", path: "/methods" },
      { name: "年度报告 Annual report", path: "/report" },
      {
        name: "研究 Research",
        pages: [
          { name: "排名稳定性 Rank stability", path: "/notebooks/rank-stability" },
          { name: "培训方式 Mode effects", path: "/notebooks/mode-effects" },
          { name: "转化预测 Poor transfer", path: "/notebooks/poor-transfer" },
          { name: "SQL 查询 Explorer", path: "/explorer" },
        ],
      },
      ...(restricted ? [{ name: "预警名单 Early warning (restricted)", path: "/warnings" }] : []),
    ],
    // DuckDB-Wasm for the explorer, offline: no extension is downloaded at build time (json and
    // parquet would be); the explorer reads CSV, which needs none.
    duckdb: { extensions: { json: { install: false, load: false }, parquet: { install: false, load: false } } },
    dynamicPaths: [...[...new Set(institutions)].map((id) => `/institution/${idSlug(id)}`), ...projectPages.map((p) => `/institution-projects/${idSlug(p.institution_id ?? "")}/${p.year}`), ...reportYears.map((y) => `/reports/${y}`)],
  };
}

export default siteConfig();
