export { parseConfig, ConfigError, type Config } from './env';
