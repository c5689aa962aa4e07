// The number plan as /api/v1/numbers serves it: every number that can be
// called, and the tree of destinations a call to one follows.

import { request } from "./api";

export interface PlanNumber {
  number: string;
  destination: string;
  label: string;
}

export interface FlowNode {
  destination: string;
  label: string;
  /** Shown above on the same path already (a menu leading back to itself). */
  again?: boolean;
  branches?: { when: string; node: FlowNode }[];
}

export async function list(): Promise<PlanNumber[]> {
  return (await request<{ items: PlanNumber[] }>("GET", "/numbers")).items;
}

export function flow(number: string): Promise<FlowNode> {
  return request("GET", `/numbers/${encodeURIComponent(number)}/flow`);
}
