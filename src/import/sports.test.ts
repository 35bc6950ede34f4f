import { describe, expect, it } from 'vitest';
import { sportFromText, sportOfFit, subSportFromText } from './sports.ts';

describe('sport mapping', () => {
  it('maps FIT transition, SUP, kayaking, skiing and indoor rowing to their own sports', () => {
    expect(sportOfFit('transition', undefined)).toEqual({ sport: 'transition', subSport: 'generic' });
    expect(sportOfFit('standUpPaddleboarding', 'generic')).toEqual({ sport: 'stand_up_paddleboarding', subSport: 'generic' });
    expect(sportOfFit('kayaking', undefined).sport).toBe('kayaking');
    expect(sportOfFit('crossCountrySkiing', undefined).sport).toBe('cross_country_skiing');
    expect(sportOfFit('rowing', 'indoorRowing')).toEqual({ sport: 'rowing', subSport: 'indoor_rowing' });
  });

  it('takes the sport from the machine when a FIT file says only fitness_equipment', () => {
    expect(sportOfFit('fitnessEquipment', 'indoorRowing')).toEqual({ sport: 'rowing', subSport: 'indoor_rowing' });
    expect(sportOfFit('fitnessEquipment', 'indoorCycling')).toEqual({ sport: 'cycling', subSport: 'indoor_cycling' });
    expect(sportOfFit('fitnessEquipment', 'elliptical')).toEqual({ sport: 'training', subSport: 'generic' });
    expect(sportOfFit('somethingNew', undefined)).toEqual({ sport: 'generic', subSport: 'generic' });
  });

  it('reads TCX and GPX sport text, Strava and Garmin spellings alike', () => {
    expect(['Transition', 'StandUpPaddling', 'SUP', 'Kayaking', 'VirtualRow', 'indoor_rowing', 'NordicSki', 'AlpineSki', 'Running', 'Biking', 'Other']
      .map(sportFromText)).toEqual([
      'transition', 'stand_up_paddleboarding', 'stand_up_paddleboarding', 'kayaking', 'rowing', 'rowing',
      'cross_country_skiing', 'alpine_skiing', 'running', 'cycling', 'generic',
    ]);
    expect(['indoor_rowing', 'VirtualRow', 'trail_running', 'treadmill_running', 'VirtualRide', 'running'].map(subSportFromText))
      .toEqual(['indoor_rowing', 'indoor_rowing', 'trail', 'treadmill', 'indoor_cycling', 'generic']);
  });
});
