export * from './config/traffic-shift';
export * from './config/healthy-hosts';
export * from './config/healthy-hosts-per-zone';
export * from './health/health-check';
export * from './health/notifications';
export * from './health/rollback';
export * from './lambda/lambda-rollout';
