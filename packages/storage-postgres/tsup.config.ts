import { packageConfig } from '../../tsup.config.js';

export default packageConfig();
