import { count, countyCode, year } from "./columns.ts";
import { defineModel } from "./model.ts";

export default defineModel({
  name: "county_trained",
  grain: "one row per county and year with trainees (rosters): the teachers trained and the backbone teachers among them",
  key: ["county_code", "year"],
  dependsOn: ["trainees", "projects"],
  columns: {
    county_code: { ...countyCode, notNull: true },
    year: year(),
    teachers_trained: count("参训教师 teachers of the county trained that year (each once)", true),
    backbone_trained: count("骨干教师 of them, backbone teachers", true),
  },
  build: { sql: () => ({}) },
});
