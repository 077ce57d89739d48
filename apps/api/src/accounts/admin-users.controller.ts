import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  AccountAccessPolicy,
  AccountsService,
  AuditService,
  NotAllowed,
  type Principal,
  PresidencyService,
  type RequestContext,
  isAdmin,
} from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { CreateUserDto, SetMembershipsDto } from './admin-users.dto.js';
import { adminUserView } from './user.view.js';
import { ApiErrors } from '../common/openapi.js';
import { AdminUserDto, AuditEntryDto } from './user.dto.js';

@ApiTags('admin')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('admin')
export class AdminUsersController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly policy: AccountAccessPolicy,
    private readonly presidency: PresidencyService,
    private readonly audit: AuditService,
  ) {}

  @ApiCreatedResponse({ type: AdminUserDto })
  @ApiErrors(400, 409)
  @Post('users')
  async create(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext, @Body() body: CreateUserDto) {
    this.policy.assertCanManageUsers(me);
    this.policy.assertCanGrantRoles(me, body.roles ?? []);
    const user = await this.accounts.createUser(ctx, body);
    return adminUserView(user, await this.presidency.holdsPresidency(user));
  }

  @ApiOkResponse({ type: [AdminUserDto] })
  @Get('users')
  async list(@CurrentUser() me: Principal) {
    this.policy.assertCanManageUsers(me);
    const users = await this.accounts.list();
    return Promise.all(users.map(async (u) => adminUserView(u, await this.presidency.holdsPresidency(u))));
  }

  @ApiOkResponse({ type: AdminUserDto })
  @ApiErrors(400, 404)
  @Put('users/:id/memberships')
  async setMemberships(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SetMembershipsDto,
  ) {
    this.policy.assertCanManageUsers(me);
    const user = await this.accounts.setMemberships(ctx, id, body.memberships, me);
    return adminUserView(user, await this.presidency.holdsPresidency(user));
  }

  @ApiOkResponse({ type: [AuditEntryDto], description: 'newest first' })
  @Get('audit')
  async auditLog(
    @CurrentUser() me: Principal,
    @Query('action') action?: string,
    @Query('targetId') targetId?: string,
    @Query('limit') limit?: string,
  ) {
    if (!isAdmin(me))
      throw new NotAllowed({
        en: 'Only an administrator can read the audit log.',
        es: 'Solo un administrador puede leer el registro de auditoría.',
      });
    return this.audit.list({
      action,
      targetId,
      limit: limit ? Math.max(1, parseInt(limit, 10) || 100) : 100,
    });
  }
}
