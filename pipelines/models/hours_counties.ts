import { countyCode } from "./columns.ts";
import { defineModel } from "./model.ts";

export default defineModel({
  name: "hours_counties",
  grain: "one row per county the hours archive covers (a teacher there without a record had no hours)",
  key: ["county_code"],
  dependsOn: ["hours", "trainees"],
  columns: {
    county_code: { ...countyCode, notNull: true },
  },
  build: { sql: () => ({}) },
});
