import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../../platform/auth/roles.guard.js';
import { ErpTargetsService, viewOf, type ErpTargetView } from './erp-targets.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/erp-targets')
export class ErpTargetsController {
  constructor(@Inject(ErpTargetsService) private readonly targets: ErpTargetsService) {}

  @Get()
  @RequireRole('reader')
  async list(): Promise<ErpTargetView[]> {
    return (await this.targets.list()).map(viewOf);
  }

  @Put(':id')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Create or replace an ERP target (credentials are write-only)' })
  async upsert(@Param('id') id: string, @Body() body: unknown): Promise<ErpTargetView> {
    return viewOf(await this.targets.upsert(id, body));
  }
}
