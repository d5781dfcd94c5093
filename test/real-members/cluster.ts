// The cluster starter lives with the CLI that runs real members (`up --real-members`).
export * from '../../cli/member/real-cluster.js';
