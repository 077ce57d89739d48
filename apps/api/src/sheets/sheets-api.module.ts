import { Module } from '@nestjs/common';
import { SheetsController } from './sheets.controller.js';

/** REST controllers for country sheets (issue 12). */
@Module({ controllers: [SheetsController] })
export class SheetsApiModule {}
