// The console's top level: resumes the session or asks to log in, then
// shows the page the address names inside the common layout.

import { useEffect, useState } from "preact/hooks";
import { whenLoggedOut, type Session } from "./api";
import { connect, disconnect } from "./live";
import { usePath } from "./router";
import { logOut, resume } from "./session";
import { Layout } from "./Layout";
import { LoginPage } from "./LoginPage";
import { ExtensionsPage } from "./ExtensionsPage";
import { CallsPage } from "./CallsPage";
import { RecordingsPage } from "./RecordingsPage";
import { VoicemailPage } from "./VoicemailPage";
import { NumbersPage } from "./NumbersPage";
import { RingGroupsPage } from "./RingGroupsPage";
import { IvrsPage } from "./IvrsPage";
import { SchedulesPage } from "./SchedulesPage";
import { SoundsPage } from "./SoundsPage";
import { TrunksPage } from "./TrunksPage";
import { DidsPage } from "./DidsPage";
import { OutboundRulesPage } from "./OutboundRulesPage";
import { CapacityPage } from "./CapacityPage";
import { openTo } from "./sections";

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const path = usePath();

  useEffect(() => {
    whenLoggedOut(() => setSession(null));
    resume().then(setSession);
  }, []);

  useEffect(() => {
    if (session) connect();
    else disconnect();
  }, [session]);

  useEffect(() => {
    if (session && !openTo(session.role).some((s) => s.path === path)) {
      history.replaceState(null, "", openTo(session.role)[0].path);
    }
  }, [session, path]);

  if (session === undefined) return null;
  if (session === null) return <LoginPage onLogIn={setSession} />;

  const open = openTo(session.role);
  const section = open.find((s) => s.path === path) ?? open[0];
  const leave = async () => {
    await logOut();
    setSession(null);
  };
  return (
    <Layout session={session} current={section.path} onLogOut={leave}>
      {section.path === "/extensions" && <ExtensionsPage session={session} />}
      {section.path === "/calls" && <CallsPage session={session} />}
      {section.path === "/recordings" && <RecordingsPage session={session} />}
      {section.path === "/numbers" && <NumbersPage />}
      {section.path === "/ring-groups" && <RingGroupsPage session={session} />}
      {section.path === "/ivrs" && <IvrsPage session={session} />}
      {section.path === "/schedules" && <SchedulesPage session={session} />}
      {section.path === "/sounds" && <SoundsPage session={session} />}
      {section.path === "/voicemail" && <VoicemailPage session={session} />}
      {section.path === "/trunks" && <TrunksPage session={session} />}
      {section.path === "/dids" && <DidsPage session={session} />}
      {section.path === "/outbound-rules" && <OutboundRulesPage session={session} />}
      {section.path === "/capacity" && <CapacityPage />}
    </Layout>
  );
}
