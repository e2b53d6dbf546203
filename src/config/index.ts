export { parseConfig, ConfigError, type Config, type FaultPoint, type RateLimit } from './env';
