import 'reflect-metadata';
import { main } from '../../api/src/main.js';

/** The worker alone: the same build as the API with ROLE=worker. */
void main('worker');
