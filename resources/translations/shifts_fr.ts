<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>BookmarkDialog</name>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="111"/>
        <source>Bookmark an incident</source>
        <translation>Signaler un incident</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="118"/>
        <source>recorded video at {time}</source>
        <translation>vidéo enregistrée à {time}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="119"/>
        <source>now, {time}</source>
        <translation>maintenant, {time}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="120"/>
        <source>{camera} — {commune}
{when}</source>
        <translation>{camera} — {commune}
{when}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="136"/>
        <source>What happened, who was told…</source>
        <translation>Ce qui s'est passé, qui a été prévenu…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="140"/>
        <source> s before</source>
        <translation> s avant</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="144"/>
        <source> s after</source>
        <translation> s après</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="151"/>
        <source>Save the bookmark</source>
        <translation>Enregistrer le signet</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="155"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="160"/>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="161"/>
        <source>Severity</source>
        <translation>Gravité</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="162"/>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="163"/>
        <source>Keep</source>
        <translation>Conserver</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="187"/>
        <source>Taking the snapshot at full resolution…</source>
        <translation>Instantané en pleine résolution en cours…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="189"/>
        <source>A full-resolution snapshot (masks applied) is kept with the bookmark.</source>
        <translation>Un instantané en pleine résolution (masques appliqués) est conservé avec le signet.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="192"/>
        <source>The image shown on the tile (masks applied) is kept with the bookmark.</source>
        <translation>L'image affichée dans la vignette (masques appliqués) est conservée avec le signet.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="195"/>
        <source>No image available now: the bookmark is saved without a snapshot.</source>
        <translation>Aucune image disponible pour l'instant : le signet est enregistré sans instantané.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="215"/>
        <source>The bookmark was NOT saved: the database cannot be written. Try again, or call IT support.</source>
        <translation>Le signet n'a PAS été enregistré : la base de données ne peut pas être écrite. Réessayez, ou appelez le support informatique.</translation>
    </message>
    <message>
        <source>choose: 1–9 or first letter</source>
        <translation>à choisir : 1 à 9 ou initiale</translation>
    </message>
    <message>
        <source>choose: 1–4 or first letter</source>
        <translation>à choisir : 1 à 4 ou initiale</translation>
    </message>
    <message>
        <source>Choose a category and a severity: the bookmark is not saved without them.</source>
        <translation>Choisissez une catégorie et une gravité : le signet n'est pas enregistré sans elles.</translation>
    </message>
</context>
<context>
    <name>BookmarkEditDialog</name>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="238"/>
        <source>Bookmark n°{id}</source>
        <translation>Signet n°{id}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="253"/>
        <source>procedure reference (e.g. PV number)</source>
        <translation>référence de la procédure (ex. numéro de PV)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="261"/>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="264"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="268"/>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="269"/>
        <source>Severity</source>
        <translation>Gravité</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="270"/>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="271"/>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="272"/>
        <source>Judicial procedure</source>
        <translation>Procédure judiciaire</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="297"/>
        <source>The change was NOT saved: the database cannot be written. Try again, or call IT support.</source>
        <translation>La modification n'a PAS été enregistrée : la base de données ne peut pas être écrite. Réessayez, ou appelez le support informatique.</translation>
    </message>
</context>
<context>
    <name>BookmarkLabels</name>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="69"/>
        <source>low</source>
        <translation>faible</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="70"/>
        <source>medium</source>
        <translation>moyenne</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="71"/>
        <source>high</source>
        <translation>élevée</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="72"/>
        <source>critical</source>
        <translation>critique</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="79"/>
        <source>open</source>
        <translation>ouvert</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="80"/>
        <source>followed up</source>
        <translation>suivi</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_dialog.py" line="81"/>
        <source>closed</source>
        <translation>clos</translation>
    </message>
</context>
<context>
    <name>BookmarkPanel</name>
    <message>
        <source>{time} — {camera} ({commune}) — {category}, {severity}, {status}</source>
        <translation>{time} — {camera} ({commune}) — {category}, {severity}, {status}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="76"/>
        <source>Search notes, categories, references</source>
        <translation>Rechercher dans les notes, catégories, références</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="78"/>
        <source>All communes</source>
        <translation>Toutes les communes</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="84"/>
        <source>All categories</source>
        <translation>Toutes les catégories</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="88"/>
        <source>All statuses</source>
        <translation>Tous les statuts</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="92"/>
        <source>From</source>
        <translation>Du</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="94"/>
        <source>To</source>
        <translation>Au</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="102"/>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="102"/>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="102"/>
        <source>Camera</source>
        <translation>Caméra</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="102"/>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="103"/>
        <source>Severity</source>
        <translation>Gravité</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="103"/>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="103"/>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="103"/>
        <source>Shift</source>
        <translation>Vacation</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="104"/>
        <source>Judicial ref.</source>
        <translation>Réf. judiciaire</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="110"/>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="111"/>
        <source>Edit…</source>
        <translation>Modifier…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="112"/>
        <source>Close</source>
        <translation>Clore</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="186"/>
        <source>Bookmarks cannot be read now (database unreachable); the list shown may be out of date.</source>
        <translation>Les signets ne peuvent pas être lus pour l'instant (base de données injoignable) ; la liste affichée peut être périmée.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="237"/>
        <source>All cameras</source>
        <translation>Toutes les caméras</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="247"/>
        <source>All shifts</source>
        <translation>Toutes les vacations</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="250"/>
        <source>Current shift (n°{id})</source>
        <translation>Vacation en cours (n°{id})</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="251"/>
        <source>Shift n°{id}</source>
        <translation>Vacation n°{id}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="275"/>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="294"/>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="307"/>
        <source>Choose a bookmark in the list first.</source>
        <translation>Choisissez d'abord un signet dans la liste.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="285"/>
        <source>Replaying the camera from {time}.</source>
        <translation>Relecture de la caméra à partir de {time}.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="288"/>
        <source>Live image opened instead of the recording: {reason}</source>
        <translation>Image en direct ouverte au lieu de l'enregistrement : {reason}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="296"/>
        <source>{time} — {category}</source>
        <translation>{time} — {category}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="314"/>
        <source>The bookmark was NOT closed: the database cannot be written.</source>
        <translation>Le signet n'a PAS été clos : la base de données ne peut pas être écrite.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/bookmark_panel.py" line="320"/>
        <source>Bookmark n°{id} saved ({status}).</source>
        <translation>Signet n°{id} enregistré ({status}).</translation>
    </message>
</context>
<context>
    <name>HandoverAckDialog</name>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="159"/>
        <source>Handover to acknowledge</source>
        <translation>Relève à acquitter</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="167"/>
        <source>Handover of shift n°{id} by {who} ({start} – {end}). Read it, then tick each open item to take the wall.</source>
        <translation>Relève de la vacation n°{id} par {who} ({start} – {end}). Lisez-la, puis cochez chaque point ouvert pour prendre le mur.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="186"/>
        <source>No open item was carried over.</source>
        <translation>Aucun point ouvert n'a été transmis.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="194"/>
        <source>Take the wall</source>
        <translation>Prendre le mur</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="201"/>
        <source>Open items</source>
        <translation>Points ouverts</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="232"/>
        <source>The acknowledgment was NOT saved: the database cannot be written. Try again, or call IT support.</source>
        <translation>L'acquittement n'a PAS été enregistré : la base de données ne peut pas être écrite. Réessayez, ou appelez le support informatique.</translation>
    </message>
    <message numerus="yes">
        <source>%n of {total} items acknowledged</source>
        <translation>
            <numerusform>%n point acquitté sur {total}</numerusform>
            <numerusform>%n points acquittés sur {total}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../csu_wall/gui/handover_dialog.py" line="243"/>
        <source>Tick the %n item(s) left to acknowledge to take the wall: each open item must be read first.</source>
        <translation>
            <numerusform>Cochez le %n point restant à acquitter pour prendre le mur : chaque point ouvert doit d'abord être lu.</numerusform>
            <numerusform>Cochez les %n points restant à acquitter pour prendre le mur : chaque point ouvert doit d'abord être lu.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HandoverDialog</name>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="74"/>
        <source>Shift handover</source>
        <translation>Relève de vacation</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="83"/>
        <source>Notes for the next operator: what is in progress, who was called, what to watch. Each line becomes an item they must acknowledge.</source>
        <translation>Consignes pour l'opérateur suivant : ce qui est en cours, qui a été appelé, ce qu'il faut surveiller. Chaque ligne devient un point qu'il devra acquitter.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="88"/>
        <source>Preview the report</source>
        <translation>Aperçu du rapport</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="90"/>
        <source>Hand over and close the shift</source>
        <translation>Passer la relève et clore la vacation</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="93"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="103"/>
        <source>Notes for the next operator</source>
        <translation>Consignes pour l'opérateur suivant</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="105"/>
        <source>Report</source>
        <translation>Rapport</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="132"/>
        <source>The handover was NOT saved and the shift is still open: the database cannot be written. Try again, or call IT support.</source>
        <translation>La relève n'a PAS été enregistrée et la vacation reste ouverte : la base de données ne peut pas être écrite. Réessayez, ou appelez le support informatique.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/handover_dialog.py" line="143"/>
        <source>Handover saved, but the report files could not be written to {dir}. The report stays available in the database.</source>
        <translation>Relève enregistrée, mais les fichiers du rapport n'ont pas pu être écrits dans {dir}. Le rapport reste disponible dans la base de données.</translation>
    </message>
</context>
<context>
    <name>ShiftFeatures</name>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="70"/>
        <source>Bookmarks</source>
        <translation>Signets</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="72"/>
        <source>Bookmark</source>
        <translation>Signet</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="73"/>
        <source>&amp;Handover</source>
        <translation>&amp;Relève</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="75"/>
        <source>Hand over the shift…</source>
        <translation>Passer la relève…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="78"/>
        <source>Open or join a shift…</source>
        <translation>Ouvrir ou rejoindre une vacation…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="97"/>
        <source>Shift n°{id}: you have the wall.</source>
        <translation>Vacation n°{id} : vous avez le mur.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="122"/>
        <source>Open or join a shift first.</source>
        <translation>Ouvrez ou rejoignez d'abord une vacation.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="125"/>
        <source>No camera on this tile: choose the tile showing the incident.</source>
        <translation>Aucune caméra dans cette vignette : choisissez la vignette qui montre l'incident.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="129"/>
        <source>You are not habilitated for this commune: no bookmark.</source>
        <translation>Vous n'êtes pas habilité(e) pour cette commune : pas de signet.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="161"/>
        <source>Bookmark n°{id} saved: {category}, {camera}, {time}.</source>
        <translation>Signet n°{id} enregistré : {category}, {camera}, {time}.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="176"/>
        <source>recorded video cannot be played on this workstation yet, so the camera is shown live.</source>
        <translation>la vidéo enregistrée ne peut pas encore être relue sur ce poste, la caméra est donc affichée en direct.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="183"/>
        <source>No shift to hand over.</source>
        <translation>Aucune vacation à relever.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="195"/>
        <source>Shift handed over (report n°{id}, files in {dir}). The wall keeps playing: the next operator signs in over it, acknowledges the handover and takes the wall.</source>
        <translation>Relève passée (rapport n°{id}, fichiers dans {dir}). Le mur continue de s'afficher : l'opérateur suivant se connecte par-dessus, acquitte la relève et prend le mur.</translation>
    </message>
    <message>
        <source>Shift n°{id} is still open: quitting now leaves the wall unwatched. Hand the shift over first (Handover menu), or quit anyway?</source>
        <translation>La vacation n°{id} est encore ouverte : quitter maintenant laisse le mur sans surveillance. Passez d'abord la relève (menu Relève), ou quittez quand même ?</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_features.py" line="85"/>
        <source>Take over the wall…</source>
        <translation>Prendre le mur…</translation>
    </message>
</context>
<context>
    <name>ShiftStartDialog</name>
    <message>
        <location filename="../../csu_wall/gui/shift_dialogs.py" line="54"/>
        <source>Start of shift</source>
        <translation>Prise de vacation</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_dialogs.py" line="61"/>
        <source>No shift is open on this workstation. Open yours to take the wall ({walls}).</source>
        <translation>Aucune vacation n'est ouverte sur ce poste. Ouvrez la vôtre pour prendre le mur ({walls}).</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_dialogs.py" line="63"/>
        <source>Open a shift</source>
        <translation>Ouvrir une vacation</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_dialogs.py" line="65"/>
        <source>A shift is open on this workstation: n°{id}, opened by {who} on {time}. Join it to take the wall with them.</source>
        <translation>Une vacation est ouverte sur ce poste : n°{id}, ouverte par {who} le {time}. Rejoignez-la pour prendre le mur avec cette équipe.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_dialogs.py" line="68"/>
        <source>Join this shift</source>
        <translation>Rejoindre cette vacation</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_dialogs.py" line="78"/>
        <source>Operator: {name}</source>
        <translation>Opérateur : {name}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/shift_dialogs.py" line="96"/>
        <source>The shift could not be recorded: the database cannot be written. Try again, or call IT support.</source>
        <translation>La vacation n'a pas pu être enregistrée : la base de données ne peut pas être écrite. Réessayez, ou appelez le support informatique.</translation>
    </message>
</context>
<context>
    <name>TakeoverSignInDialog</name>
    <message>
        <location filename="../../csu_wall/gui/takeover.py" line="53"/>
        <source>Shift handover: next operator</source>
        <translation>Relève : opérateur suivant</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/takeover.py" line="56"/>
        <source>{name} handed over the shift. The wall keeps playing under their name until you take it. Sign in, read the handover and acknowledge each open item, then take the wall.</source>
        <translation>{name} a passé la relève. Le mur continue de s'afficher sous son nom jusqu'à ce que vous le preniez. Connectez-vous, lisez la relève et acquittez chaque point ouvert, puis prenez le mur.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/takeover.py" line="57"/>
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/takeover.py" line="61"/>
        <source>Login</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/takeover.py" line="63"/>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Vérification en cours…</translation>
    </message>
    <message>
        <source>Your identity could not be checked now (database unreachable): try again in a moment.</source>
        <translation>Votre identité ne peut pas être vérifiée pour l&apos;instant (base de données injoignable) : réessayez dans un instant.</translation>
    </message>
</context>
</TS>
