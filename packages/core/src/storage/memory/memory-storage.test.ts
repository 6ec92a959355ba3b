import { runStorageAdapterSuite } from '@syncbridge/testing';
import { memoryStorage } from '../index.js';

runStorageAdapterSuite({ name: 'memory', create: () => memoryStorage() });
