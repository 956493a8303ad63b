/**
 * Amazon's carrier codes (confirmShipment's packageDetail.carrierCode) for the carriers a WMS
 * names in its own words. A carrier not listed goes as "Other" with its name, as Amazon asks.
 */
const CARRIER_CODES: Readonly<Record<string, string>> = {
  usps: 'USPS', ups: 'UPS', fedex: 'FedEx', dhl: 'DHL', dhlexpress: 'DHL', dhlecommerce: 'DHL eCommerce', ontrac: 'OnTrac',
  royalmail: 'Royal Mail', dpd: 'DPD', hermes: 'Hermes', evri: 'Evri', parcelforce: 'Parcelforce', canadapost: 'Canada Post',
  laposte: 'La Poste', colissimo: 'Colissimo', deutschepost: 'Deutsche Post', gls: 'GLS', japanpost: 'Japan Post',
  yamatotransport: 'Yamato Transport', amazonshipping: 'Amazon Shipping',
};

export function amazonCarrier(carrier: string | null): { carrierCode: string; carrierName?: string } {
  const name = carrier?.trim() ?? '';
  const code = CARRIER_CODES[name.toLowerCase().replace(/[^a-z]/g, '')];
  if (code) return { carrierCode: code };
  return { carrierCode: 'Other', carrierName: name === '' ? 'Unknown carrier' : name.slice(0, 64) };
}
