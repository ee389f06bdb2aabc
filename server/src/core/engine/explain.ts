export function explain(): void {}
export interface StepFill { step: number }
export function stepsEventCanFill(): StepFill[] { return []; }
