export { parseConfig, ConfigError, type Config, type RateLimit } from './env';
