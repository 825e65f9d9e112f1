import KaiCore
import Testing

/// The decision between an in-process call returning and its watchdog firing
/// (issue 9 review, item 9): whichever comes first wins, and the loser acts
/// on nothing.
@Suite struct CallRaceTests {
    @Test func whenTheCallReturnsFirst_theWatchdogStandsDown() {
        var race = CallRace()
        let returned = race.callReturned(), fired = race.watchdogFires()
        #expect(returned)
        #expect(!fired)
        #expect(race.winner == .call)
    }

    @Test func whenTheWatchdogFiresFirst_theReturnedCallMustNotPrintOrRecord() {
        var race = CallRace()
        let fired = race.watchdogFires(), returned = race.callReturned()
        #expect(fired)
        #expect(!returned)
        #expect(race.winner == .watchdog)
    }

    @Test func theWatchdogFiresOnlyOnce() {
        var race = CallRace()
        let first = race.watchdogFires(), second = race.watchdogFires()
        #expect(first)
        #expect(!second)
    }

    @Test func ctrlCsCountWhileTheCallRuns_andAreIgnoredOnceDecided() {
        var race = CallRace()
        let first = race.interrupted(), second = race.interrupted()
        let fired = race.watchdogFires(), third = race.interrupted()
        #expect(first == 1)
        #expect(second == 2)
        #expect(fired)
        #expect(third == nil)

        var finished = CallRace()
        let returned = finished.callReturned(), late = finished.interrupted()
        #expect(returned)
        #expect(late == nil)
        #expect(finished.interrupts == 0)
    }
}
