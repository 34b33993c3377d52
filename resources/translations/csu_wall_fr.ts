<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>CameraTree</name>
    <message>
        <source>Search a camera, a commune or an id</source>
        <translation>Rechercher : caméra, commune, n°</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/camera_tree.py" line="93"/>
        <location filename="../../csu_wall/gui/camera_tree.py" line="178"/>
        <source>{commune} (not habilitated)</source>
        <translation>{commune} (non habilité)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/camera_tree.py" line="174"/>
        <source>{commune} (detached)</source>
        <translation>{commune} (détachée)</translation>
    </message>
</context>
<context>
    <name>EditController</name>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="65"/>
        <source>&amp;Edit layouts</source>
        <translation>&amp;Modifier les dispositions</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="68"/>
        <source>&amp;Save</source>
        <translation>&amp;Enregistrer</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="70"/>
        <source>Save &amp;as…</source>
        <translation>Enregistrer &amp;sous…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="72"/>
        <source>&amp;Undo</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="74"/>
        <source>&amp;Redo</source>
        <translation>&amp;Rétablir</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="76"/>
        <source>&amp;History…</source>
        <translation>&amp;Historique…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="78"/>
        <source>&amp;New layout</source>
        <translation>&amp;Nouvelle disposition</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="82"/>
        <source>Layout editing</source>
        <translation>Modification de la disposition</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="84"/>
        <source>Grid</source>
        <translation>Grille</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="90"/>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="126"/>
        <source>changes made on the wall</source>
        <translation>changements faits sur le mur</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="132"/>
        <source>New layout</source>
        <translation>Nouvelle disposition</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="170"/>
        <source>Layout « {name} » saved (version {version}).</source>
        <translation>Disposition « {name} » enregistrée (version {version}).</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="178"/>
        <source>This layout was never saved: it has no history.</source>
        <translation>Cette disposition n&apos;a jamais été enregistrée : elle n&apos;a pas d&apos;historique.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="203"/>
        <source>Version {version} restored as version {new}.</source>
        <translation>Version {version} restaurée comme version {new}.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="204"/>
        <source>{name} (copy)</source>
        <translation>{name} (copie)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="283"/>
        <source>Shared layouts are changed by supervisors: « Save as… » keeps a copy of your own.</source>
        <translation>Les dispositions partagées sont modifiées par les superviseurs : « Enregistrer sous… » en garde une copie personnelle.</translation>
    </message>
</context>
<context>
    <name>FirstRunWindow</name>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="64"/>
        <source>csu-wall — no site yet</source>
        <translation>csu-wall — aucun site configuré</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="66"/>
        <source>No site is configured on this workstation</source>
        <translation>Aucun site n&apos;est configuré sur ce poste</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="69"/>
        <source>The database holds no commune, recorder or camera yet. Commune IT provides a site file describing them: apply it to start the wall. To discover the software without any real camera, open the demonstration: a fictitious site, clearly marked DEMO.</source>
        <translation>La base de données ne contient encore aucune commune, aucun enregistreur ni aucune caméra. Le service informatique de la commune fournit un fichier de site qui les décrit : appliquez-le pour démarrer le mur d&apos;images. Pour découvrir le logiciel sans aucune caméra réelle, ouvrez la démonstration : un site fictif, clairement signalé DÉMO.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="76"/>
        <source>Apply a site file…</source>
        <translation>Appliquer un fichier de site…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="78"/>
        <source>Open the demo</source>
        <translation>Ouvrir la démo</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="111"/>
        <source>Apply a site file</source>
        <translation>Appliquer un fichier de site</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="113"/>
        <source>Site files (*.toml);;All files (*)</source>
        <translation>Fichiers de site (*.toml);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>For IT staff: the deployment guide is docs/DEPLOY.md in the csu-wall sources (database, workstations, recorder credentials, accounts). The commands, in a terminal:</source>
        <translation>Pour le service informatique : le guide de déploiement est docs/DEPLOY.md dans les sources de csu-wall (base de données, postes, identifiants des enregistreurs, comptes). Les commandes, dans un terminal :</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="238"/>
        <source>History of « {name} »</source>
        <translation>Historique de « {name} »</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="245"/>
        <source>Version {version} — {when} — {who}: {change}</source>
        <translation>Version {version} — {when} — {who} : {change}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="253"/>
        <source>&amp;Restore this version</source>
        <translation>&amp;Restaurer cette version</translation>
    </message>
</context>
<context>
    <name>Keymap</name>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="51"/>
        <source>Move the focus to the neighbouring tile</source>
        <translation>Passer à la vignette voisine</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="53"/>
        <source>Swap the focused tile with its neighbour</source>
        <translation>Échanger la vignette active avec sa voisine</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="55"/>
        <source>Maximise the focused tile, or restore it</source>
        <translation>Agrandir la vignette active, ou la rétablir</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="57"/>
        <source>Restore the maximised tile</source>
        <translation>Rétablir la vignette agrandie</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="59"/>
        <source>Call up a camera by its number into the focused tile</source>
        <translation>Appeler une caméra par son numéro dans la vignette active</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="61"/>
        <source>Show layout tab 1 to 9</source>
        <translation>Afficher l&apos;onglet de disposition 1 à 9</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="63"/>
        <source>Next layout tab</source>
        <translation>Onglet de disposition suivant</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="65"/>
        <source>Previous layout tab</source>
        <translation>Onglet de disposition précédent</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="67"/>
        <source>Bookmark the focused tile (bookmark feature)</source>
        <translation>Poser un signet sur la vignette active (fonction signets)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="69"/>
        <source>Empty the focused tile</source>
        <translation>Vider la vignette active</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="71"/>
        <source>Zoom into the focused tile (also the mouse wheel)</source>
        <translation>Zoomer dans la vignette active (aussi à la molette)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="73"/>
        <source>Zoom out of the focused tile</source>
        <translation>Dézoomer la vignette active</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="75"/>
        <source>Show the whole picture again</source>
        <translation>Revenir à l&apos;image entière</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="77"/>
        <source>Snapshot of the focused tile (PNG, masks applied)</source>
        <translation>Capture de la vignette active (PNG, masques appliqués)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="79"/>
        <source>Menu of the focused tile</source>
        <translation>Menu de la vignette active</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="81"/>
        <source>Search a camera, a commune or an id</source>
        <translation>Rechercher une caméra, une commune ou un identifiant</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="83"/>
        <source>Put the keyboard on the wall</source>
        <translation>Donner le clavier au mur</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="85"/>
        <source>Tour the commune&apos;s cameras on the focused tile</source>
        <translation>Ronde des caméras de la commune dans la vignette active</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="87"/>
        <source>Start or stop a tour of the layout tabs</source>
        <translation>Lancer ou arrêter la ronde des onglets de disposition</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="89"/>
        <source>Create, edit or delete saved tours</source>
        <translation>Créer, modifier ou supprimer les rondes enregistrées</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="91"/>
        <source>Edit mode: build and save layouts</source>
        <translation>Mode édition : composer et enregistrer des dispositions</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="93"/>
        <source>Save the layout (edit mode)</source>
        <translation>Enregistrer la disposition (mode édition)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="95"/>
        <source>Save as a new layout, under another name (edit mode)</source>
        <translation>Enregistrer sous un autre nom, comme nouvelle disposition (mode édition)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="97"/>
        <source>Undo the last unsaved edit</source>
        <translation>Annuler la dernière modification non enregistrée</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="99"/>
        <source>Redo the edit undone</source>
        <translation>Rétablir la modification annulée</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="101"/>
        <source>History of the layout: restore a version</source>
        <translation>Historique de la disposition : restaurer une version</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="103"/>
        <source>Full screen</source>
        <translation>Plein écran</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="105"/>
        <source>Lock the workstation</source>
        <translation>Verrouiller le poste</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="107"/>
        <source>This list of keys</source>
        <translation>Cette liste de touches</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="109"/>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
</context>
<context>
    <name>KeymapDialog</name>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="194"/>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="197"/>
        <source>Keys</source>
        <translation>Touches</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/keymap.py" line="197"/>
        <source>Action</source>
        <translation>Action</translation>
    </message>
</context>
<context>
    <name>LayoutTabs</name>
    <message>
        <location filename="../../csu_wall/gui/layout_tabs.py" line="77"/>
        <source>{name} (private)</source>
        <translation>{name} (personnelle)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_tabs.py" line="80"/>
        <source>shared</source>
        <translation>partagée</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_tabs.py" line="80"/>
        <source>private</source>
        <translation>personnelle</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_tabs.py" line="82"/>
        <source>all the commune&apos;s cameras, not saved</source>
        <translation>toutes les caméras de la commune, non enregistrée</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_tabs.py" line="83"/>
        <source>mixed (several communes)</source>
        <translation>mixte (plusieurs communes)</translation>
    </message>
</context>
<context>
    <name>LockController</name>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="137"/>
        <source>&amp;Lock workstation</source>
        <translation>&amp;Verrouiller le poste</translation>
    </message>
</context>
<context>
    <name>LockOverlay</name>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="64"/>
        <source>Workstation locked</source>
        <translation>Poste verrouillé</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="74"/>
        <source>Shift handover (another operator takes over)</source>
        <translation>Relève de poste (un autre opérateur prend la suite)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="79"/>
        <source>Unlock</source>
        <translation>Déverrouiller</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="87"/>
        <source>Login</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="88"/>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/lock.py" line="104"/>
        <source>Locked by {name}. Sign in again to show the wall.</source>
        <translation>Verrouillé par {name}. Reconnectez-vous pour afficher le mur.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="107"/>
        <source>csu-wall — video wall</source>
        <translation>csu-wall — mur d&apos;images</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="119"/>
        <source>Commune</source>
        <translation>Commune</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="142"/>
        <source>DEMO — fictitious site, no real camera</source>
        <translation>DÉMO — site fictif, aucune caméra réelle</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="157"/>
        <source>Snapshot saved: {path}</source>
        <translation>Capture enregistrée : {path}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="166"/>
        <source>Operator: {name}</source>
        <translation>Opérateur : {name}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="42"/>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="44"/>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="46"/>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="48"/>
        <source>&amp;Search a camera</source>
        <translation>&amp;Rechercher une caméra</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="50"/>
        <source>Keyboard on the &amp;wall</source>
        <translation>Clavier sur le &amp;mur</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="52"/>
        <source>&amp;Next layout</source>
        <translation>Disposition &amp;suivante</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="54"/>
        <source>&amp;Previous layout</source>
        <translation>Disposition &amp;précédente</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="56"/>
        <source>&amp;Full screen</source>
        <translation>&amp;Plein écran</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="60"/>
        <source>Wall on &amp;another screen</source>
        <translation>Mur sur un &amp;autre écran</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="66"/>
        <source>&amp;Tile</source>
        <translation>&amp;Vignette</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="70"/>
        <source>Zoom &amp;in</source>
        <translation>&amp;Zoomer</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="72"/>
        <source>Zoom &amp;out</source>
        <translation>&amp;Dézoomer</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="74"/>
        <source>&amp;Whole picture</source>
        <translation>&amp;Image entière</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="77"/>
        <source>&amp;Snapshot</source>
        <translation>&amp;Capture</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="80"/>
        <source>&amp;Tour of the commune&apos;s cameras here</source>
        <translation>&amp;Ronde des caméras de la commune ici</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="84"/>
        <source>&amp;Empty the tile</source>
        <translation>&amp;Vider la vignette</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="87"/>
        <source>Tile &amp;menu</source>
        <translation>&amp;Menu de la vignette</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="97"/>
        <source>&amp;Layouts</source>
        <translation>&amp;Dispositions</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="105"/>
        <source>T&amp;ours</source>
        <translation>&amp;Rondes</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="107"/>
        <source>Tour of the &amp;layout tabs</source>
        <translation>Ronde des &amp;onglets de disposition</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="109"/>
        <source>&amp;Saved tours</source>
        <translation>Rondes &amp;enregistrées</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="112"/>
        <source>&amp;Edit tours…</source>
        <translation>&amp;Gérer les rondes…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="117"/>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="118"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="123"/>
        <source>&amp;Maximise / restore</source>
        <translation>&amp;Agrandir / rétablir</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_menus.py" line="132"/>
        <source>S&amp;top every tour</source>
        <translation>&amp;Arrêter toutes les rondes</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="200"/>
        <source>{commune} (not habilitated)</source>
        <translation>{commune} (non habilité)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="248"/>
        <source>Saved layouts cannot be read now.</source>
        <translation>Les dispositions enregistrées sont illisibles pour l&apos;instant.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="276"/>
        <source>No camera has the number {n}.</source>
        <translation>Aucune caméra ne porte le numéro {n}.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/main_window.py" line="283"/>
        <source>Camera no. {digits}…</source>
        <translation>Caméra n° {digits}…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_extras.py" line="224"/>
        <source>Only one screen is connected</source>
        <translation>Un seul écran est branché</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_extras.py" line="230"/>
        <source>Wall on {screen}</source>
        <translation>Mur sur {screen}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_extras.py" line="263"/>
        <source>Tour « {name} » started.</source>
        <translation>Ronde « {name} » lancée.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_extras.py" line="275"/>
        <source>A tour needs at least two cameras.</source>
        <translation>Une ronde demande au moins deux caméras.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_extras.py" line="279"/>
        <source>Tour of {commune}</source>
        <translation>Ronde de {commune}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_extras.py" line="289"/>
        <source>A layout tour needs at least two saved layouts.</source>
        <translation>Une ronde de dispositions demande au moins deux dispositions enregistrées.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_extras.py" line="293"/>
        <source>Tour of the layouts</source>
        <translation>Ronde des dispositions</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_window_extras.py" line="334"/>
        <source>No saved tour</source>
        <translation>Aucune ronde enregistrée</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="296"/>
        <source>Tours are saved in the database: none is connected.</source>
        <translation>Les rondes sont enregistrées dans la base de données, et aucune base n&apos;est connectée.</translation>
    </message>
</context>
<context>
    <name>ScreenWall</name>
    <message>
        <location filename="../../csu_wall/gui/screens.py" line="49"/>
        <source>csu-wall — screen {name}</source>
        <translation>csu-wall — écran {name}</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../csu_wall/gui/sign_in.py" line="38"/>
        <source>csu-wall — sign in</source>
        <translation>csu-wall — connexion</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/sign_in.py" line="39"/>
        <source>Sign in to open the video wall</source>
        <translation>Connectez-vous pour ouvrir le mur d&apos;images</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/sign_in.py" line="52"/>
        <source>No account? Ask the administrator (csu-wall user add).</source>
        <translation>Pas de compte ? Demandez-le à l&apos;administrateur (csu-wall user add).</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/sign_in.py" line="54"/>
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/sign_in.py" line="64"/>
        <source>Login</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/sign_in.py" line="65"/>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
</context>
<context>
    <name>SiteErrorsDialog</name>
    <message>
        <location filename="../../csu_wall/gui/first_run.py" line="31"/>
        <source>Site file refused</source>
        <translation>Fichier de site refusé</translation>
    </message>
    <message numerus="yes">
        <source>The site file {file} was not applied: correct the %n problem(s) below, then apply it again.</source>
        <translation>
            <numerusform>Le fichier de site {file} n'a pas été appliqué : corrigez le problème ci-dessous, puis appliquez-le de nouveau.</numerusform>
            <numerusform>Le fichier de site {file} n'a pas été appliqué : corrigez les %n problèmes ci-dessous, puis appliquez-le de nouveau.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SnapshotTaker</name>
    <message>
        <location filename="../../csu_wall/gui/tile_actions.py" line="56"/>
        <source>No camera in this tile: nothing to photograph.</source>
        <translation>Aucune caméra dans cette vignette : rien à capturer.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile_actions.py" line="98"/>
        <source>The snapshot could not be saved: check the free space of the data folder.</source>
        <translation>La capture n&apos;a pas pu être enregistrée : vérifiez la place libre du dossier de données.</translation>
    </message>
</context>
<context>
    <name>TileWidget</name>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="40"/>
        <source>connecting…</source>
        <translation>connexion…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="42"/>
        <source>live</source>
        <translation>en direct</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="44"/>
        <source>stream frozen</source>
        <translation>flux figé</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="230"/>
        <source>resuming…</source>
        <translation>reprise…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="250"/>
        <source>recorded video</source>
        <translation>enregistrement</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="46"/>
        <source>lost — reconnecting…</source>
        <translation>perdu — reconnexion…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="48"/>
        <source>credentials refused</source>
        <translation>identifiants refusés</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="50"/>
        <source>unreachable</source>
        <translation>injoignable</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="52"/>
        <source>not habilitated</source>
        <translation>non habilité</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="54"/>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tile.py" line="222"/>
        <source>{seconds} s ago</source>
        <translation>il y a {seconds} s</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="79"/>
        <source>Drop a camera here</source>
        <translation>Déposez une caméra ici</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="83"/>
        <source>{name} (tour)</source>
        <translation>{name} (ronde)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="93"/>
        <source>zoom</source>
        <translation>zoom</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="65"/>
        <source>pause</source>
        <translation>pause</translation>
    </message>
</context>
<context>
    <name>TourEditDialog</name>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="54"/>
        <source>New tour</source>
        <translation>Nouvelle ronde</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="54"/>
        <source>Edit the tour</source>
        <translation>Modifier la ronde</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="62"/>
        <source>One tile cycles through cameras</source>
        <translation>Une vignette fait défiler des caméras</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="63"/>
        <source>The wall cycles through layouts</source>
        <translation>Le mur fait défiler des dispositions</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="67"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="69"/>
        <source>Shared with every operator (supervisors)</source>
        <translation>Partagée avec tous les opérateurs (superviseurs)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="85"/>
        <source>&amp;Name</source>
        <translation>&amp;Nom</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="86"/>
        <source>&amp;Kind</source>
        <translation>&amp;Type</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="87"/>
        <source>&amp;Dwell per step</source>
        <translation>D&amp;urée par étape</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="90"/>
        <source>&amp;Available</source>
        <translation>&amp;Disponibles</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="91"/>
        <source>S&amp;teps, in order</source>
        <translation>Étapes, dans l&apos;&amp;ordre</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="98"/>
        <source>&amp;Add →</source>
        <translation>&amp;Ajouter →</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="99"/>
        <source>← &amp;Remove</source>
        <translation>← &amp;Retirer</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="100"/>
        <source>&amp;Up</source>
        <translation>&amp;Monter</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="101"/>
        <source>Do&amp;wn</source>
        <translation>Desc&amp;endre</translation>
    </message>
</context>
<context>
    <name>TourManagerDialog</name>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="188"/>
        <source>Saved tours</source>
        <translation>Rondes enregistrées</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="202"/>
        <source>&amp;New…</source>
        <translation>&amp;Nouvelle…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="203"/>
        <source>&amp;Edit…</source>
        <translation>&amp;Modifier…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="204"/>
        <source>&amp;Delete</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="205"/>
        <source>&amp;Play</source>
        <translation>&amp;Lancer</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="222"/>
        <source>shared</source>
        <translation>partagée</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="222"/>
        <source>private</source>
        <translation>personnelle</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="223"/>
        <source>tile</source>
        <translation>vignette</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="223"/>
        <source>layouts</source>
        <translation>dispositions</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_editor.py" line="264"/>
        <source>Tour « {name} » deleted.</source>
        <translation>Ronde « {name} » supprimée.</translation>
    </message>
    <message numerus="yes">
        <source>{name} — {kind}, %n step(s), {dwell} s, {scope}</source>
        <translation>
            <numerusform>{name} — {kind}, %n étape, {dwell} s, {scope}</numerusform>
            <numerusform>{name} — {kind}, %n étapes, {dwell} s, {scope}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WallWidget</name>
    <message>
        <location filename="../../csu_wall/gui/wall.py" line="180"/>
        <source>Grid {rows}×{cols}</source>
        <translation>Grille {rows}×{cols}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/wall.py" line="207"/>
        <source>{camera} in tile {n}</source>
        <translation>{camera} en case {n}</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/wall.py" line="217"/>
        <source>Tile {n} emptied</source>
        <translation>Case {n} vidée</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/wall.py" line="227"/>
        <source>Tiles {a} and {b} swapped</source>
        <translation>Cases {a} et {b} échangées</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/wall.py" line="251"/>
        <source>No empty tile left: empty one or choose a larger grid.</source>
        <translation>Plus aucune vignette libre : videz-en une ou choisissez une grille plus grande.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/wall.py" line="304"/>
        <source>This camera cannot be opened. See the log or call commune IT.</source>
        <translation>Impossible d&apos;ouvrir cette caméra. Consultez le journal ou appelez le service informatique de la commune.</translation>
    </message>
    <message numerus="yes">
        <source>%n camera(s) added</source>
        <translation>
            <numerusform>%n caméra ajoutée</numerusform>
            <numerusform>%n caméras ajoutées</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of {total} tiles live</source>
        <translation>
            <numerusform>%n vignette en direct sur {total}</numerusform>
            <numerusform>%n vignettes en direct sur {total}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n in playback</source>
        <translation>
            <numerusform>%n en relecture</numerusform>
            <numerusform>%n en relecture</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QuitGuard</name>
    <message>
        <source>Quit csu-wall?</source>
        <translation>Quitter csu-wall ?</translation>
    </message>
    <message>
        <source>Quit anyway</source>
        <translation>Quitter quand même</translation>
    </message>
    <message>
        <source>Stay</source>
        <translation>Rester</translation>
    </message>
</context>
<context>
    <name>TourBadge</name>
    <message>
        <location filename="../../csu_wall/gui/tour_driver.py" line="70"/>
        <source>Tour paused</source>
        <translation>Ronde en pause</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_driver.py" line="71"/>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_driver.py" line="73"/>
        <source>Tour held (resumes in {s} s)</source>
        <translation>Ronde suspendue (reprise dans {s} s)</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/tour_driver.py" line="78"/>
        <source>Pause the tour</source>
        <translation>Mettre la ronde en pause</translation>
    </message>
</context>
<context>
    <name>SaveAsDialog</name>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="346"/>
        <source>Save the layout as</source>
        <translation>Enregistrer la disposition sous</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="352"/>
        <source>Shared with every operator</source>
        <translation>Partagée avec tous les opérateurs</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="367"/>
        <source>Name of the new layout</source>
        <translation>Nom de la nouvelle disposition</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/layout_editor.py" line="77"/>
        <source>&amp;Save</source>
        <translation>&amp;Enregistrer</translation>
    </message>
</context>
</TS>
