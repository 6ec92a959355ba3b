import { packageConfig } from '../../tsup.config.js';

export default packageConfig({ index: 'src/index.ts', fakes: 'src/fakes/index.ts' });
