/** Styles of the Problems page and the overview's problem counts, appended to the one stylesheet. */
export const PROBLEM_STYLES = `
.problem-counts{margin:0 0 16px}
@media (max-width:800px){section.problems .hide-sm{display:none}}
`;
