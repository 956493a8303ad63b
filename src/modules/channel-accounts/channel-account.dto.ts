import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CHANNEL_CODES } from '../../canonical/references.js';

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

  @ApiProperty({ required: false, default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
