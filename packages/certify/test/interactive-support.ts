import { formatAmount } from '@bluechip-ws/protocol';

export { CertifyError, type CertifyScenario, runCertification } from '../src/index.js';

export const formatAmountForTest = (cents: number) => formatAmount(cents);
