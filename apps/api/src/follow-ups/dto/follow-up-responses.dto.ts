import { ApiProperty } from '@nestjs/swagger';

/** Response shapes of follow-up items, the board and the Work Plan (OpenAPI; the domain views build them). */
export class AssignmentDto {
  @ApiProperty({ example: 'GT' })
  country: string;

  @ApiProperty({ enum: ['pending', 'acknowledged', 'done', 'overdue'] })
  status: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  respondedAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  note: string | null;
}

export class FollowUpSheetRefDto {
  @ApiProperty({
    enum: ['visa-requirements', 'visa-types', 'consular-contacts', 'travel-documents', 'legislation'],
  })
  topic: string;
}

export class FollowUpDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['smuggling-trafficking', 'consular-protection'] })
  network: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ format: 'date-time' })
  dueAt: string;

  @ApiProperty({ type: [String], example: ['-P7D', '-P1D', 'PT0S'] })
  reminders: string[];

  @ApiProperty({ type: String, nullable: true, example: 'P3D' })
  escalateEvery: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  caseId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  workPlanActivityId: string | null;

  @ApiProperty({ type: FollowUpSheetRefDto, nullable: true, description: 'the country sheet the item names' })
  sheet: FollowUpSheetRefDto | null;

  @ApiProperty()
  cancelled: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  cancelledAt: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdBy: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: [AssignmentDto] })
  assignments: AssignmentDto[];
}

export class BoardItemDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ format: 'date-time' })
  dueAt: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  caseId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  workPlanActivityId: string | null;

  @ApiProperty({ type: FollowUpSheetRefDto, nullable: true, description: 'the country sheet the item names' })
  sheet: FollowUpSheetRefDto | null;

  @ApiProperty({ type: [AssignmentDto] })
  assignments: AssignmentDto[];
}

export class BoardSummaryDto {
  @ApiProperty()
  pending: number;

  @ApiProperty()
  acknowledged: number;

  @ApiProperty()
  done: number;

  @ApiProperty()
  overdue: number;
}

export class BoardDto {
  @ApiProperty({ type: [BoardItemDto] })
  followUps: BoardItemDto[];

  @ApiProperty({ type: BoardSummaryDto, description: 'counts what is shown, each assignment once' })
  summary: BoardSummaryDto;
}

export class LinkedFollowUpDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ format: 'date-time' })
  dueAt: string;

  @ApiProperty()
  cancelled: boolean;
}

export class WorkPlanActivityDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['smuggling-trafficking', 'consular-protection'] })
  network: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: String, nullable: true })
  objective: string | null;

  @ApiProperty({ type: [String], example: ['GT'] })
  responsibleCountries: string[];

  @ApiProperty({ example: '2027-06-30' })
  targetDate: string;

  @ApiProperty({ enum: ['planned', 'in-progress', 'completed', 'on-hold', 'cancelled'] })
  status: string;

  @ApiProperty({ type: String, nullable: true })
  progressNote: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdBy: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: [LinkedFollowUpDto] })
  followUps: LinkedFollowUpDto[];
}
