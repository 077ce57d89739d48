import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type Principal, type RequestContext, SheetsService } from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { ApiErrors } from '../common/openapi.js';
import { PublishSheetDto, SheetFreshnessQuery, SheetVersionQuery } from './dto/sheets.dto.js';
import {
  SheetDto,
  SheetFreshnessDto,
  SheetPreviewDto,
  SheetSummaryDto,
  SheetVersionDto,
} from './dto/sheet-responses.dto.js';

/** Country sheets, the Virtual Secretariat's library: members read, the country's officers publish. */
@ApiTags('sheets')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller()
export class SheetsController {
  constructor(private readonly sheets: SheetsService) {}

  @ApiOkResponse({ type: [SheetSummaryDto], description: 'every topic, with nulls when not published yet' })
  @ApiErrors(400)
  @Get('countries/:code/sheets')
  library(@CurrentUser() me: Principal, @Param('code') code: string) {
    return this.sheets.library(me, code);
  }

  @ApiOkResponse({ type: SheetDto })
  @ApiErrors(400, 404)
  @Get('countries/:code/sheets/:topic')
  read(
    @CurrentUser() me: Principal,
    @Param('code') code: string,
    @Param('topic') topic: string,
    @Query() query: SheetVersionQuery,
  ) {
    return this.sheets.read(me, code, topic, query.version);
  }

  @ApiOkResponse({ type: [SheetVersionDto], description: 'newest first' })
  @ApiErrors(400)
  @Get('countries/:code/sheets/:topic/versions')
  versions(@CurrentUser() me: Principal, @Param('code') code: string, @Param('topic') topic: string) {
    return this.sheets.versions(me, code, topic);
  }

  @ApiOkResponse({ type: SheetDto, description: 'the new version' })
  @ApiErrors(400)
  @Put('countries/:code/sheets/:topic')
  publish(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('code') code: string,
    @Param('topic') topic: string,
    @Body() body: PublishSheetDto,
  ) {
    return this.sheets.publish(ctx, me, code, topic, { body: body.body });
  }

  @ApiOkResponse({
    type: [SheetFreshnessDto],
    description: 'every member country × topic (or the topic asked)',
  })
  @ApiErrors(400)
  @Get('sheets')
  freshness(@CurrentUser() me: Principal, @Query() query: SheetFreshnessQuery) {
    return this.sheets.freshness(me, query);
  }

  @ApiOkResponse({ type: SheetPreviewDto, description: 'the HTML this text would show; nothing is stored' })
  @ApiErrors(400)
  @Post('sheets/preview')
  @HttpCode(200)
  preview(@CurrentUser() me: Principal, @Body() body: PublishSheetDto) {
    return this.sheets.preview(me, { body: body.body });
  }
}
