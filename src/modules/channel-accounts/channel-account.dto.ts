import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { CHANNEL_CODES } from '../../adapters/channels/registry.js';

export class UpsertChannelAccountDto {
  @ApiProperty({ enum: CHANNEL_CODES, example: 'SHOPIFY' })
  @IsIn(CHANNEL_CODES as unknown as string[])
  channel: string;

  @ApiProperty({ example: 'example-shop.myshopify.com', description: 'Shop domain, seller id or store id' })
  @IsString()
  @Length(1, 255)
  @Matches(/^[A-Za-z0-9._:-]+$/)
  account: string;

  @ApiProperty({ writeOnly: true, description: 'Webhook signing secret; never returned' })
  @IsString()
  @Length(8, 512)
  webhookSecret: string;

  @ApiProperty({
    required: false,
    example: 'https://example-shop.myshopify.com/admin/api/2026-04',
    description: "The channel's Admin API base (tracking goes back through it); Shopify default https://{shop}/admin/api/2026-04. " +
      'http(s) only, without user:password@',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  adminApiUrl?: string;

  @ApiProperty({ required: false, writeOnly: true, description: 'Admin API access token (Shopify X-Shopify-Access-Token); never returned' })
  @IsOptional()
  @IsString()
  @Length(8, 512)
  adminAccessToken?: string;

  @ApiProperty({ required: false, default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiProperty({
    required: false,
    example: 'America/New_York',
    description: "The IANA time zone the account keeps its books in: the day an order belongs to when the channel's timestamps carry no offset. " +
      'Shopify prints the shop\'s offset, which decides the date; the zone then dates later documents (shipments).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiProperty({
    required: false, default: false,
    description: 'Let the channel\'s test orders (Shopify test: true) through, for an account that feeds a staging ERP target; otherwise they are held as TEST_ORDER.',
  })
  @IsOptional()
  @IsBoolean()
  allowTestOrders?: boolean;

  @ApiProperty({
    required: false, default: 1, minimum: 0, maximum: 100,
    description: 'A converted order (buyer currency ≠ shop currency) whose amounts miss its grand total by at most this many minor units per line, plus one, ' +
      'gets the difference as an explicit ROUNDING charge; a larger difference holds it as TOTALS_MISMATCH.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  conversionRoundingPerLine?: number;

  @ApiProperty({
    required: false,
    example: { marketplaceIds: ['ATVPDKIKX0DER'] },
    description: 'Non-secret settings the channel checks. Amazon: marketplaceIds (the marketplaces to pull orders from).',
  })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;
}
