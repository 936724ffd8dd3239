import { describe, expect, it } from 'vitest'
import { dayInZone, parseDate, toRfc3339, withZoneParts, zonedParts, zoneOffsetMinutes } from '../../src/shared/time.ts'

const iso = (s: string, tz = 'Asia/Tokyo') => {
  const d = parseDate(s, tz)
  return d && { utc: new Date(d.ms).toISOString(), offset: d.offsetMinutes }
}

describe('parseDate', () => {
  it('keeps the written offset: the seed post is still 30 January in UTC', () => {
    expect(iso('2025-01-31 00:15:00.000000000 +09:00')).toEqual({ utc: '2025-01-30T15:15:00.000Z', offset: 540 })
  })

  it('accepts every form Jekyll accepts', () => {
    expect(iso('2025-01-31')).toEqual({ utc: '2025-01-30T15:00:00.000Z', offset: 540 })
    expect(iso('2025-1-5')?.utc).toBe('2025-01-04T15:00:00.000Z')
    expect(iso('2025-01-31 08:30')?.utc).toBe('2025-01-30T23:30:00.000Z')
    expect(iso('2025-01-31 08:30:15')?.utc).toBe('2025-01-30T23:30:15.000Z')
    expect(iso('2025-01-31T08:30:15.250Z')).toEqual({ utc: '2025-01-31T08:30:15.250Z', offset: 0 })
    expect(iso('2025-01-31 08:30:15 -0500')).toEqual({ utc: '2025-01-31T13:30:15.000Z', offset: -300 })
    expect(iso('2025-01-31 08:30:15 +05:30')?.offset).toBe(330)
  })

  it('reads a date with no offset on the site wall clock, across DST', () => {
    // New York is UTC-5 in January and UTC-4 in July.
    expect(iso('2025-01-15 12:00', 'America/New_York')).toEqual({ utc: '2025-01-15T17:00:00.000Z', offset: -300 })
    expect(iso('2025-07-15 12:00', 'America/New_York')).toEqual({ utc: '2025-07-15T16:00:00.000Z', offset: -240 })
  })

  it('rejects what Ruby\'s Time.parse rejects (Jekyll stops with "invalid date")', () => {
    for (const bad of ['2025-02-32', '2025-13-01', '2025-01-31 25:00', 'yesterday', 'hello', '', '2025-01-31 10:00 +24:00']) {
      expect(parseDate(bad, 'UTC'), bad).toBeNull()
    }
    expect(parseDate('2024-02-29', 'UTC')).not.toBeNull()
  })

  it('rolls an overflowing day into the next month as Ruby does, and says so', () => {
    expect(iso('2025-02-30', 'UTC')?.utc).toBe('2025-03-02T00:00:00.000Z')
    expect(parseDate('2025-02-30', 'UTC')?.rolledOver).toBe(true)
    expect(parseDate('2025-02-28', 'UTC')?.rolledOver).toBeUndefined()
  })

  it('reads the loose forms Ruby reads: names of months, slashes, digit runs, am/pm', () => {
    expect(iso('March 7, 2019', 'UTC')?.utc).toBe('2019-03-07T00:00:00.000Z')
    expect(iso('31/01/2025', 'UTC')?.utc).toBe('2025-01-31T00:00:00.000Z')
    expect(iso('20190307', 'UTC')?.utc).toBe('2019-03-07T00:00:00.000Z')
    expect(iso('2019-03-07 10:00 PM', 'UTC')?.utc).toBe('2019-03-07T22:00:00.000Z')
    expect(iso('Thu, 07 Mar 2019 10:00:00 EST', 'UTC')?.utc).toBe('2019-03-07T15:00:00.000Z')
    // A zone Ruby does not know is ignored: site time.
    expect(iso('2019-03-07 10:00 GMT+8', 'Asia/Tokyo')?.utc).toBe('2019-03-07T01:00:00.000Z')
  })

  it('reads an unquoted YAML timestamp as Psych does: no offset is UTC', () => {
    expect(new Date(parseDate('2025-01-31 00:15:00', 'Asia/Tokyo', { yamlPlain: true })!.ms).toISOString()).toBe('2025-01-31T00:15:00.000Z')
    expect(new Date(parseDate('2025-01-31 00:15:00', 'Asia/Tokyo')!.ms).toISOString()).toBe('2025-01-30T15:15:00.000Z')
    // Not a timestamp to Psych (no seconds): Time.parse, site time.
    expect(new Date(parseDate('2025-01-31 00:15', 'Asia/Tokyo', { yamlPlain: true })!.ms).toISOString()).toBe('2025-01-30T15:15:00.000Z')
  })
})

describe('formatting', () => {
  it('writes RFC 3339 with the given offset', () => {
    const { ms } = parseDate('2025-01-31 00:15:00 +09:00', 'UTC')!
    expect(toRfc3339(ms, 540)).toBe('2025-01-31T00:15:00+09:00')
    expect(toRfc3339(ms, -90)).toBe('2025-01-30T13:45:00-01:30')
    expect(toRfc3339(ms, 0)).toBe('2025-01-30T15:15:00+00:00')
  })

  it('shows the day on the site clock', () => {
    const { ms } = parseDate('2025-01-31 00:15:00 +09:00', 'UTC')!
    expect(dayInZone(ms, 'Asia/Tokyo')).toBe('2025-01-31')
    expect(dayInZone(ms, 'UTC')).toBe('2025-01-30')
    expect(zoneOffsetMinutes(ms, 'Asia/Kolkata')).toBe(330)
  })
})

describe('zone parts as an earlier render worked them out (withZoneParts)', () => {
  const ms = Date.UTC(2024, 0, 31, 18, 30) // 2024-02-01 02:30 in Shanghai
  it('uses the parts it is given, and gives back only those the run used', () => {
    const first = withZoneParts(undefined, true, () => zonedParts(ms, 'Asia/Shanghai'))
    expect(first.value).toMatchObject({ year: 2024, month: 2, day: 1, hour: 2, minute: 30 })
    expect(first.made).toEqual([[`Asia/Shanghai ${ms}`, first.value]])
    // A planted entry comes back, so it was used rather than worked out again; one not asked for is not given back.
    const planted = { ...first.value, year: 1999 }
    const again = withZoneParts([[`Asia/Shanghai ${ms}`, planted], ['Asia/Tokyo 0', first.value]], true, () => zonedParts(ms, 'Asia/Shanghai').year)
    expect(again).toEqual({ value: 1999, made: [[`Asia/Shanghai ${ms}`, planted]] })
    // Outside a run, nothing is remembered.
    expect(zonedParts(ms, 'Asia/Shanghai').year).toBe(2024)
    expect(withZoneParts(undefined, false, () => 1)).toEqual({ value: 1 })
  })
})
