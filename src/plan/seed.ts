// The seed project's own plan and cost documents, shown beside bqx's estimate.
export const SEED_PLAN = {
  machine: 'Standard_D64as_v5',
  vcpus: 64,
  wallHours: 26.5,
  azure: { spot: 67.64, onDemand: 134.37 },
  /** Its AWS cost documents (which kept the Spot figure after the deployment moved to On-Demand). */
  aws: { spot: 19.13, onDemand: 57.8 },
  /** The vCPU quota that blocked it. */
  quotaVcpus: 8,
} as const;
