export * from './config/traffic-shift';
export * from './config/healthy-hosts';
export * from './config/healthy-hosts-per-zone';
export * from './health/rollback';
