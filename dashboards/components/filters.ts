// Which institutions ran projects of a kind in a year (for filtering an overall ranking).
export interface ProjectKind {
  year: number;
  institution_id: string | null;
  program?: string | null;
  mode?: string | null;
  stage?: string | null;
}

export function runsProjects(projects: ProjectKind[], year: number, want: { program: string; mode: string; stage: string }, all: string): Set<string | null> {
  return new Set(
    projects
      .filter((p) => p.year === year && (want.program === all || p.program === want.program) && (want.mode === all || p.mode === want.mode) && (want.stage === all || p.stage === want.stage))
      .map((p) => p.institution_id),
  );
}
